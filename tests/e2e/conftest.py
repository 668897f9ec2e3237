"""Browser journeys in Debian's Chromium (no browser download), driven by Playwright, checked with axe."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.conftest import CHROMIUM  # a missing Chromium fails the journeys (or NPRU_SKIP_BROWSER=1)

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the tests are
# still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--lang=fr-FR",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "viewport": {"width": 1366, "height": 900}}


@pytest.fixture
def check_page():
    """Screenshot the page into var/screenshots/ and fail on any WCAG 2.1 AA violation found by axe."""
    axe = Axe()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def check(page, name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        assert results.violations_count == 0, results.generate_report()

    return check


@pytest.fixture
def console_errors(page):
    """Collects console errors (CSP violations, JS errors) so journeys can assert there are none."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors
