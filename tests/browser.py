"""Helpers for browser tests (Playwright driving Debian's Chromium against live_server)."""

from axe_playwright_python.sync_playwright import Axe

DEMO_PASSWORD = "demo-Councils-2020"  # noqa: S105 - the documented demo password


def sign_in(page, base_url, username, password=DEMO_PASSWORD, language="en"):
    page.goto(f"{base_url}/{language}/accounts/login/")
    page.get_by_label("Username" if language == "en" else "Nom d’utilisateur").fill(username)
    page.get_by_label("Password" if language == "en" else "Mot de passe").fill(password)
    page.get_by_role("button", name="Sign in" if language == "en" else "Se connecter").click()
    page.wait_for_load_state("networkidle")


def axe_violations(page):
    """Run axe-core on the page; return the violations (WCAG 2.1 A and AA rules)."""
    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        },
    )
    return results.response["violations"]


def describe(violations):
    return "\n".join(
        f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in violations
    )
