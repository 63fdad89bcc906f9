"""The floors benchmarks/throughput.py compares the app's pages with, served under the same
gunicorn settings as the app. Neither route exists in the production app (wsgi.py).

- `plain`: a plain Flask app with one route that returns two bytes: gunicorn and Flask alone.
- `academy`: the academy's own create_app() (every extension, before-request hook and security
  header) with one extra route that reads no database row and renders no template.
"""

import sys
from pathlib import Path

from flask import Flask

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from academy import create_app  # noqa: E402


def bare() -> str:
    return "ok"


plain = Flask(__name__)
plain.add_url_rule("/bare", "bare", bare)

academy = create_app()
academy.add_url_rule("/bare", "bare", bare)
