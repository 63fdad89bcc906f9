#!/usr/bin/env bash
# `make run`: the development server and the background worker side by side. One Ctrl-C stops
# both: the server gets it from the terminal, and the trap stops the worker (a background
# process of a script ignores Ctrl-C itself) with SIGINT, Huey's graceful stop: the jobs in
# hand finish first.
set -uo pipefail

cd "$(dirname "$0")/.."
FLASK=(.venv/bin/flask --app wsgi)

"${FLASK[@]}" academy worker &
worker=$!
stop_worker() {
  if kill -0 "$worker" 2>/dev/null; then
    kill -INT "$worker" 2>/dev/null
    wait "$worker" 2>/dev/null
  fi
}
trap stop_worker EXIT
trap 'exit 130' INT TERM

"${FLASK[@]}" run --host 127.0.0.1 --port "${PORT:-5000}"
