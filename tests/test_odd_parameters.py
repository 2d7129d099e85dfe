"""Issue 14: odd values in any query parameter any page reads, as every persona, never 5xx.

The parameters are not listed by hand: a first pass opens every GET page of the permission
matrix as the secretariat with `QueryDict` reads recorded, so a page that starts reading a new
parameter is covered without editing this file. Then each (page, parameter) gets every odd
value as every persona."""

import time

import pytest
from django.http import QueryDict

from tests.test_permission_matrix import MATRIX, PERSONAS
from tests.world import build_world

ODD_VALUES = [
    "²",  # isdigit() says yes, int() says no
    "١٢",  # Arabic-Indic digits: int() reads 12
    "%00",  # NUL byte once decoded: PostgreSQL refuses it in text
    "9" * 40,  # past any bigint
    "' OR 1=1 --",
]
# Read by the login page and middleware on every page; sent once per page below.
EXTRA = {"next"}


@pytest.fixture
def world(personas, council, priority, group):
    return build_world(personas, council, priority, group)


def _read_parameters(client, url, monkeypatch):
    seen = set()
    real_get, real_getitem, real_getlist = QueryDict.get, QueryDict.__getitem__, QueryDict.getlist

    def get(self, key, default=None):
        seen.add(key)
        return real_get(self, key, default)

    def getitem(self, key):
        seen.add(key)
        return real_getitem(self, key)

    def getlist(self, key, default=None):
        seen.add(key)
        return real_getlist(self, key, default)

    with monkeypatch.context() as patch:
        patch.setattr(QueryDict, "get", get)
        patch.setattr(QueryDict, "__getitem__", getitem)
        patch.setattr(QueryDict, "getlist", getlist)
        client.get(url)
    return {key for key in seen if isinstance(key, str) and key not in {"csrfmiddlewaretoken"}}


def test_odd_values_in_every_parameter_as_every_persona_never_answer_5xx(
    world, client_for, monkeypatch, capsys
):
    from urllib.parse import quote

    clients = {persona: client_for(world[persona]) for persona in PERSONAS}
    pages = [
        (name, make_url(world))
        for name, (method, make_url, _expected) in sorted(MATRIX.items())
        if method == "get" and name not in {"logout", "set_language"}
    ]
    started, sent, failures = time.monotonic(), 0, []
    for name, url in pages:
        parameters = _read_parameters(clients["secretariat"], url, monkeypatch)
        if name == "login":
            parameters |= EXTRA
        for parameter in sorted(parameters):
            for value in ODD_VALUES:
                encoded = value if value == "%00" else quote(value)
                odd_url = f"{url}{'&' if '?' in url else '?'}{quote(parameter)}={encoded}"
                for persona in PERSONAS:
                    response = clients[persona].get(odd_url)
                    sent += 1
                    if response.status_code >= 500:
                        failures.append((name, parameter, value, persona, response.status_code))
    with capsys.disabled():
        print(
            f"\nodd parameters: {sent} parameter × value × persona requests on {len(pages)} "
            f"pages, {len(failures)} answered 5xx, in {time.monotonic() - started:.1f} s"
        )
    assert not failures, failures[:20]
