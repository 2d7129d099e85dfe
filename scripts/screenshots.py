"""`make screenshots`: the README's phone screenshots, in French, taken with Chromium at 375 px.

A scratch SQLite database gets the demo data, `runserver` serves it on a free port, and
Playwright signs in as the demo people and photographs the first screen of a few pages into
docs/screenshots/phone-*.png. Nothing of the developer's own database is touched.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 375, "height": 812}
PASSWORD = "demo-Councils-2020"  # noqa: S105 - the documented demo password

# (file name, who, path, what to do before the photograph)
SHOTS = [
    ("phone-home-menu-fr", "groupchair", "/fr/", "open the menu"),
    ("phone-dashboard-fr", "member", "/fr/strategy/", None),
    ("phone-funding-request-fr", "cochair.pscioc", "/fr/funding/", "open the identity request"),
    ("phone-form-errors-fr", "groupchair", "/fr/funding/new/", "send the form empty"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sign_in(page, base, username):
    page.goto(f"{base}/fr/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    with page.expect_navigation():  # click() alone can return before the form is sent
        page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state("networkidle")


def act(page, base, action):
    if action == "open the menu":
        page.get_by_role("button", name="Menu").click()
        page.locator("#portal-menu a.nav-link").first.wait_for(state="visible")
    elif action == "open the identity request":
        link = page.locator("main table a", has_text="identité numérique").first
        page.goto(base + link.get_attribute("href"))
    elif action == "send the form empty":
        page.locator("#id_title_en").fill("Projet pilote")
        page.locator("#id_fiscal_year").fill("2020-22")
        page.get_by_role("button", name="Enregistrer l’ébauche").click()
        page.locator(".error-summary").wait_for()


def main():
    work = Path(tempfile.mkdtemp(prefix="portal-shots-"))
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "DJANGO_DEBUG": "true",
        "PORTAL_MEDIA_ROOT": str(work / "private"),
        "PORTAL_HOST": f"127.0.0.1:{port}",
    }
    env.pop("REDIS_URL", None)
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput", "-v", "0"], ["load_demo", "-v", "0"]):
        subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310 - our server
                break
            except OSError:
                time.sleep(0.2)
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            for name, username, path, action in SHOTS:
                context = browser.new_context(viewport=PHONE, locale="fr-CA")
                page = context.new_page()
                sign_in(page, base, username)
                page.goto(base + path)
                if action:
                    act(page, base, action)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=OUT / f"{name}.png")
                print(f"docs/screenshots/{name}.png")
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
