"""Tap targets on a 390 px phone: every link and control a trainee meets is at least 44 × 44 CSS
px (KRDS; WCAG 2.2 2.5.5), measured in Chromium on every page the trainee reaches."""

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import DEMO_LOGINS, PHONE, demo_sign_in

pytestmark = pytest.mark.browser

MINIMUM = 44
# Every element a finger can act on. A checkbox or radio drawn by its label is measured with
# its label, the area that takes the tap.
MEASURE = """
() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, ' +
                   '[role=button], [tabindex]:not([tabindex="-1"])';
  const small = [];
  let measured = 0;
  for (const el of document.querySelectorAll(selector)) {
    const style = getComputedStyle(el);
    const closed = el.closest('[hidden], details:not([open]) > :not(summary)');
    if (style.visibility === 'hidden' || closed) continue;
    let box = el.getBoundingClientRect();
    if (el.matches('input[type=checkbox], input[type=radio]') && el.labels.length) {
      const label = el.labels[0].getBoundingClientRect();
      box = {width: Math.max(box.width, label.width), height: Math.max(box.height, label.height),
             right: Math.max(box.right, label.right), bottom: Math.max(box.bottom, label.bottom)};
    }
    if (box.width === 0 && box.height === 0) continue;  // not rendered
    if (box.right <= 0 || box.bottom <= 0) continue;  // the skip link, off screen until focused
    measured += 1;
    if (box.width < 44 - 0.5 || box.height < 44 - 0.5)
      small.push(`${Math.round(box.width)}x${Math.round(box.height)} ` +
                 el.outerHTML.slice(0, 140));
  }
  return {measured, small};
}
"""
SKIP = ("/logout", "/language", "/evidence", "/receipt", "/static/", ".xlsx", ".pdf")


def trainee_pages(page) -> list[str]:
    """The trainee's pages: the home page and every page of the app it links to."""
    links = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
    paths = []
    for href in links:
        url = urlsplit(href)
        path = url.path + (f"?{url.query}" if url.query else "")
        if url.netloc == urlsplit(page.url).netloc and not any(s in path for s in SKIP):
            if path not in paths:
                paths.append(path)
    return paths


@pytest.mark.parametrize("viewport", [PHONE], ids=str)
def test_every_tap_target_a_trainee_meets_is_44_px_on_a_phone(page, viewport):
    page.goto("/login")
    problems, measured = {}, 0
    result = page.evaluate(MEASURE)
    measured += result["measured"]
    if result["small"]:
        problems["/login"] = result["small"]

    demo_sign_in(page, DEMO_LOGINS["trainee"])
    asked, visited = set(), set()
    to_visit = [urlsplit(page.url).path, *trainee_pages(page)]
    while to_visit and len(visited) < 15:
        path = to_visit.pop(0)
        if path in asked:
            continue
        asked.add(path)
        response = page.goto(path)
        assert response.status == 200, path
        shown = urlsplit(page.url).path  # after a redirect ("/" → "/trainees/me")
        if shown in visited:
            continue
        visited.add(shown)
        # What opens on a tap is measured too.
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        result = page.evaluate(MEASURE)
        measured += result["measured"]
        if result["small"]:
            problems[shown] = result["small"]
        to_visit += [p for p in trainee_pages(page) if p not in asked]

    assert {"/trainees/me", "/certifications/mine", "/subsidies/apply", "/privacy"} <= visited
    assert measured > 50, measured  # the test measured real pages, not empty ones
    assert not problems, "\n".join(f"{p}:\n  " + "\n  ".join(s) for p, s in problems.items())
