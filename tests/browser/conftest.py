"""The browser-test harness: the app served on a free local port, driven by Debian's Chromium.

The app runs in a background thread against its own SQLite file, migrated the way an operator's
database is (`flask academy init`) and filled with a small slice of the demo data. Playwright
launches the `chromium` on PATH: its own browser download does not work here, and
pytest-playwright is not used, so the fixtures are these few.
"""

import os
import re
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest
from werkzeug.serving import make_server

from academy import create_app
from academy.demo import demo_totp_secret
from tests.databases import config_for, preserve_logging

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "academy-demo-2025"
DEMO_LOGINS = {
    "official": "official@example.com",
    "coordinator": "coordinator@example.com",
    "instructor": "instructor@example.com",
    "trainee": "trainee@example.com",
    "admin": "admin@example.com",
}
HANGUL = re.compile(r"[\uac00-\ud7a3]")
LOGIN_FORM = "form:has(input[name='password'])"
CODE_FORM = "form:has(input[name='code'])"
LIVE_DATABASES: dict[str, Path] = {}  # a live server's base URL -> its SQLite file


def demo_code(page, email: str) -> str:
    """The code an authenticator app holding the demo key shows now.

    The server takes each half-minute's code once per account (a replayed code is refused, as
    tests/auth/test_two_factor.py checks), and the walks sign the same demo accounts in several
    times a minute. So the harness first forgets the half-minute the account last used, as if
    the next one had come, rather than wait up to thirty seconds for it."""
    origin = "{}://{}".format(*urlsplit(page.url)[:2])
    with closing(sqlite3.connect(LIVE_DATABASES[origin], timeout=30)) as conn, conn:
        conn.execute('UPDATE "user" SET totp_last_step = NULL WHERE email = ?', (email,))
    return pyotp.TOTP(demo_totp_secret(email)).now()


def demo_sign_in(page, email: str, password: str = DEMO_PASSWORD):
    """Sign in through the login page and, when the account has a second factor, the code
    page, as a person with the demo key in their app would. Returns the last navigation."""
    page.goto("/login")
    form = page.locator(LOGIN_FORM)
    form.locator("[name='email']").fill(email)
    form.locator("[name='password']").fill(password)
    with page.expect_navigation() as navigation:
        form.locator("button[type='submit']").click()
    if urlsplit(page.url).path == "/login/code":
        code_form = page.locator(CODE_FORM)
        code_form.locator("[name='code']").fill(demo_code(page, email))
        with page.expect_navigation() as navigation:
            code_form.locator("button[type='submit']").click()
    return navigation.value


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int
    mobile: bool = False

    def __str__(self) -> str:
        return self.name


DESKTOP = Viewport("desktop", 1280, 800)
PHONE = Viewport("phone", 390, 844, mobile=True)


def pytest_collection_modifyitems(items):
    """Everything under tests/browser is a browser test, marked or not (the PostgreSQL run of
    `make test` deselects them: they serve their own SQLite file)."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def demo_app(database: Path, **settings):
    """The app on the SQLite file `database`, migrated as an operator's is (`flask academy
    init`) and holding a small slice of the demo (scale 0.05). The browser posts real forms,
    token included; sign-in limits stay on (TestConfig raises the per-address one)."""
    from academy import demo
    from academy.extensions import db

    app = create_app(config_for(f"sqlite:///{database}", WTF_CSRF_ENABLED=True, **settings))
    with preserve_logging():
        result = app.test_cli_runner().invoke(args=["academy", "init"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        demo.load_demo(scale=0.05)
        db.session.remove()
    return app


@contextmanager
def serving(app, database: Path) -> Iterator[str]:
    """Serve `app`, whose data is the SQLite file `database`, on a free local port from a
    thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    LIVE_DATABASES[url] = database
    try:
        yield url
    finally:
        LIVE_DATABASES.pop(url, None)
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Base URL of the app serving the demo slice."""
    database = tmp_path_factory.mktemp("browser") / "academy.sqlite"
    with serving(demo_app(database), database) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        message = "Chromium is not installed (apt-get install -y chromium, or `make install`)"
        if _in_ci():
            pytest.fail(message + ": CI must run the browser tests", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def viewport() -> Viewport:
    """Desktop unless a test parametrizes `viewport` (with DESKTOP, PHONE, ...)."""
    return DESKTOP


@pytest.fixture
def context(browser, live_server, viewport):
    context = browser.new_context(
        base_url=live_server,
        viewport={"width": viewport.width, "height": viewport.height},
        is_mobile=viewport.mobile,
        has_touch=viewport.mobile,
        locale="ko-KR",
        timezone_id="Asia/Seoul",
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    # Uncaught script errors and failed requests would otherwise pass unnoticed; tests may
    # assert on these lists.
    page.errors = []
    page.failed_responses = []
    page.csp_violations = []
    page.running_axe = False
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    # The app's Content-Security-Policy is enforced here as in production: anything it blocks
    # (an inline style or script) shows up as a console error.
    page.on(
        "console",
        lambda msg: (
            "Content Security Policy" in msg.text
            and not page.running_axe  # axe's own contrast probes apply inline styles
            and page.csp_violations.append(msg.text)
        ),
    )
    page.on(
        "response",
        lambda r: r.status >= 400 and page.failed_responses.append(f"{r.status} {r.url}"),
    )
    yield page
    violations = list(page.csp_violations)
    page.close()
    assert not violations, "blocked by the Content-Security-Policy:\n" + "\n".join(violations)


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """axe-core's WCAG 2.x A/AA violations on the page as it is now, of the given impacts."""
    # Evaluated through the browser's debugging protocol, which the page's CSP does not govern.
    page.running_axe = True
    try:
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;0")
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", list(WCAG_TAGS)
        )
        page.wait_for_timeout(50)  # console messages of the run arrive a moment later
    finally:
        page.running_axe = False
    return [v for v in result["violations"] if v["impact"] in impacts]


def describe_violations(violations: list[dict]) -> str:
    """One line per rule and offending element, for an assertion message."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['impact']}: {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:160]}")
    return "\n".join(lines)


def has_hangul(text: str | None) -> bool:
    return bool(text and HANGUL.search(text))


def has_horizontal_scroll(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth > window.innerWidth")
