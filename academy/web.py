"""One helper chooses the full page or its fragment by the request, never by element id."""

from flask import render_template
from htmx_flask import request


def render(full_page: str, fragment: str, **context) -> str:
    """An htmx request that is not boosted gets the fragment; everything else the full page.

    The full page includes the same fragment, so both always show the same thing.
    """
    if request.htmx and not request.htmx.boosted:
        return render_template(fragment, **context)
    return render_template(full_page, **context)
