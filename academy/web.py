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


def show_on_form(form, refused) -> str | None:
    """A rule's refusal (academy.errors.RuleRefused) shown where it belongs: on the form field it
    names; otherwise it is returned for the page to show above the form."""
    field = form._fields.get(refused.field) if refused.field else None
    if field is None:
        return refused.message
    field.errors = [*field.errors, refused.message]
    return None
