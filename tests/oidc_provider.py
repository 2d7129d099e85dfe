"""A real OpenID provider on loopback for the single sign-on tests: panva's oidc-provider (an
OpenID-certified implementation) run by Node from tests/oidc/ (`npm ci` there; .ci/run does
it). Not a fake: discovery, the authorization code flow with PKCE, state, nonce, signed ID
tokens, JWKS, userinfo and RP-initiated logout are the library's own. Only the refusal tests
switch on a fault (tests/oidc/server.mjs) that re-signs the ID token with the provider's real
key after changing its audience or its expiry."""

import json
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import requests

OIDC_DIR = Path(__file__).resolve().parent / "oidc"
NODE = os.environ.get("PORTAL_NODE", shutil.which("node") or "/usr/bin/node")

CLIENT_ID = "council-portal"
CLIENT_SECRET = "test-only-client-secret-0123456789"  # noqa: S105 - a test provider's
# Logins typed in the provider's sign-in form -> the claims it vouches for.
ACCOUNTS = {
    "invited": {
        "email": "Invited.Person@Dept.Example",
        "email_verified": True,
        "name": "Ines Vaillancourt",
    },
    "stranger": {"email": "stranger@elsewhere.example", "email_verified": True},
    "unverified": {"email": "unverified@dept.example", "email_verified": False},
    "departed": {"email": "departed@dept.example", "email_verified": True},
}


def require():
    """Skip without Node or the provider's packages; fail instead in CI (CI=true)."""
    import pytest

    what = missing()
    if what is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} is missing, and CI=true: tests that need it must run, not skip.")
    pytest.skip(f"{what} is missing on this machine.")


def missing() -> str | None:
    """What is missing to run the provider, or None."""
    if not Path(NODE).exists():
        return f"Node.js (node at {NODE})"
    if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        return "the test OpenID provider (run `npm ci` in tests/oidc)"
    return None


@dataclass
class RunningProvider:
    issuer: str
    process: subprocess.Popen

    def settings_entry(self, key="testid", **overrides) -> dict:
        return {
            "key": key,
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "name_en": "Test ID",
            "name_fr": "ID d’essai",
            "scopes": "openid email profile",
            "email_verified_claim": "email_verified",
            **overrides,
        }

    def set_fault(self, fault):
        response = requests.post(f"{self.issuer}/__test__/fault", json={"fault": fault}, timeout=10)
        response.raise_for_status()
        assert response.json()["fault"] == fault

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start(portal_urls) -> RunningProvider:
    """Start the provider with one client whose redirect addresses are on `portal_urls`."""
    config = {
        "clients": [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [f"{u}/oidc/callback/" for u in portal_urls],
                "post_logout_redirect_uris": [f"{u}/oidc/signed-out/" for u in portal_urls],
            }
        ],
        "accounts": ACCOUNTS,
    }
    process = subprocess.Popen(  # noqa: S603 - our own script, fixed arguments
        [NODE, str(OIDC_DIR / "server.mjs")],
        cwd=OIDC_DIR,
        env={**os.environ, "OIDC_TEST_CONFIG": json.dumps(config)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = {}

    def read_first_line():
        line["text"] = process.stdout.readline()

    reader = threading.Thread(target=read_first_line, daemon=True)
    reader.start()
    reader.join(timeout=30)
    if not line.get("text"):
        process.kill()
        raise RuntimeError(f"the test OpenID provider did not start: {process.stderr.read()}")
    # Keep reading its output so that a full pipe never blocks it.
    threading.Thread(target=process.stdout.read, daemon=True).start()
    threading.Thread(target=process.stderr.read, daemon=True).start()
    return RunningProvider(issuer=json.loads(line["text"])["issuer"], process=process)
