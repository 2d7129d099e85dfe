"""Issue 14: odd values in any query parameter any page reads, as every persona, never 5xx.

The parameters are not listed by hand: a first pass opens every GET page of the permission
matrix as every persona with `QueryDict` reads recorded, so a page that starts reading a new
parameter is covered without editing this file. Then each (page, parameter) gets every odd
value, and the parameter sent twice, as every persona whose request reads it; a persona that
reads none of a page's parameters (refused, or sent to sign in) gets each odd value in all of
them at once, for the code that reads the query string whole.

A second test keeps the first one honest: every parameter the code reads (`request.GET` in the
source, and the fields of each form or FilterSet bound to `request.GET`) must have been found
by that pass; a parameter read only on a path the test world does not reach would otherwise be
missed in silence."""

import ast
import re
import time
from importlib import import_module
from pathlib import Path
from urllib.parse import quote

import pytest
from django.http import QueryDict

from conftest import signed_in_client
from tests.test_permission_matrix import MATRIX, PERSONAS
from tests.world import build_world

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "config",
    "core",
    "councils",
    "workinggroups",
    "funding",
    "strategy",
    "people",
    "signin",
    "notifications",
    "publication",
    "portal",
]

ODD_VALUES = [
    "",
    "x",
    "-1",
    "0",
    "999999999999999999999",  # past any bigint
    "1e309",  # float("1e309") is inf
    "NaN",
    "²",  # isdigit() says yes, int() says no
    "١٢",  # Arabic-Indic digits: int() reads 12
    "%00",  # NUL byte once decoded: PostgreSQL refuses it in text
    "%ff",  # not UTF-8
    "2026-02-30",
    "'",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "x" * 5000,  # very long
]
RAW = {"%00", "%ff"}  # sent as written, not percent-encoded again
SENT_TWICE = "twice"  # the parameter given two values: ?p=1&p=x (a list where one is read)
# Read by the login page on every visit (django.contrib.auth), not through our code.
EXTRA = {"login": {"next"}}
# Read only after a valid single-use sign-on state was taken out of the session: with any
# other state the callback refuses before reading them (signin/tests/test_oidc.py sends odd
# answers through the real provider).
ONLY_WITH_A_VALID_STATE = {"code", "error", "iss"}
NOT_PARAMETERS = {"csrfmiddlewaretoken"}


@pytest.fixture
def world(personas, council, priority, group):
    from django.utils import timezone

    from strategy.models import PlanVersion

    world = build_world(personas, council, priority, group)
    # The comparison page reads ?from= and ?to= only once the plan has adopted versions.
    for number in (1, 2):
        PlanVersion.objects.create(
            plan=world["plan"],
            number=number,
            adopted_at=timezone.now(),
            adopted_by=world["secretariat"],
        )
    return world


def read_parameters(client, url, monkeypatch):
    """The query parameters the request to `url` looks up by name. A QueryDict looks up each
    key while it parses the query string: those are not reads, only what code asks later."""
    seen, parsing = set(), []
    real_get, real_getitem, real_getlist = QueryDict.get, QueryDict.__getitem__, QueryDict.getlist
    real_contains, real_init = QueryDict.__contains__, QueryDict.__init__

    def init(self, *args, **kwargs):
        parsing.append(True)
        try:
            real_init(self, *args, **kwargs)
        finally:
            parsing.pop()

    def read(key):
        if not parsing:
            seen.add(key)

    def get(self, key, default=None):
        read(key)
        return real_get(self, key, default)

    def getitem(self, key):
        read(key)
        return real_getitem(self, key)

    def getlist(self, key, default=None):
        read(key)
        return real_getlist(self, key, default)

    def contains(self, key):
        read(key)
        return real_contains(self, key)

    with monkeypatch.context() as patch:
        patch.setattr(QueryDict, "__init__", init)
        patch.setattr(QueryDict, "get", get)
        patch.setattr(QueryDict, "__getitem__", getitem)
        patch.setattr(QueryDict, "getlist", getlist)
        patch.setattr(QueryDict, "__contains__", contains)
        client.get(url)
    return {key for key in seen if isinstance(key, str) and key not in NOT_PARAMETERS}


def _pages(world):
    return [
        (name, make_url(world))
        for name, (method, make_url, _expected) in sorted(MATRIX.items())
        if method == "get" and name not in {"logout", "set_language"}
    ]


def _discover(world, clients, monkeypatch):
    """{(page name, url): {persona: parameters that persona's request read}}. Each page is
    opened twice: as linked, and with a query string, since a form bound to
    `request.GET or None` reads its fields only when there is one."""
    found = {}
    for name, url in _pages(world):
        with_query = f"{url}{'&' if '?' in url else '?'}discovering=1"
        by_persona = {}
        for persona, client in clients.items():
            parameters = set(EXTRA.get(name, set()))
            parameters |= read_parameters(client, url, monkeypatch)
            parameters |= read_parameters(client, with_query, monkeypatch)
            parameters.discard("discovering")
            by_persona[persona] = parameters
        found[(name, url)] = by_persona
    return found


def _odd_query(parameter, value):
    key = quote(parameter)
    if value == SENT_TWICE:
        return f"{key}=1&{key}=x"
    return f"{key}={value if value in RAW else quote(value)}"


@pytest.mark.long
def test_odd_values_in_every_parameter_as_every_persona_never_answer_5xx(
    world, monkeypatch, capsys
):
    clients = {persona: sweep_client(world.get(persona)) for persona in PERSONAS}
    started = time.monotonic()
    found = _discover(world, clients, monkeypatch)
    _assert_every_parameter_in_the_source_was_found(found)
    sent, failures = 0, []

    def send(name, url, query, persona, what):
        nonlocal sent
        response = clients[persona].get(f"{url}{'&' if '?' in url else '?'}{query}")
        sent += 1
        if response.status_code >= 500:
            failures.append((name, what, persona, response.status_code))

    for (name, url), by_persona in found.items():
        page_parameters = sorted(set().union(*by_persona.values()))
        for persona, read in by_persona.items():
            # Where this persona's request reads a parameter, each odd value in it alone.
            for parameter in sorted(read):
                for value in [*ODD_VALUES, SENT_TWICE]:
                    send(name, url, _odd_query(parameter, value), persona, (parameter, value[:20]))
            # Where it reads none of them (refused, sent to sign in, or a page that reads only
            # some), its code never looks at them one by one: each odd value in all of them at
            # once, for what reads the query string whole (a "next" link, a redirect).
            unread = [parameter for parameter in page_parameters if parameter not in read]
            if unread:
                for value in [*ODD_VALUES, SENT_TWICE]:
                    query = "&".join(_odd_query(parameter, value) for parameter in unread)
                    send(name, url, query, persona, ("all unread", value[:20]))
    pairs = sum(len(set().union(*p.values())) for p in found.values())
    read = sum(len(parameters) for p in found.values() for parameters in p.values())
    with capsys.disabled():
        print(
            f"\nodd parameters: {sent} requests ({pairs} page × parameter pairs, {read} read by "
            f"a persona, {len(ODD_VALUES) + 1} values, {len(clients)} personas, {len(found)} "
            f"pages), {len(failures)} answered 5xx, in {time.monotonic() - started:.1f} s"
        )
    assert not failures, failures[:20]
    assert sent > 3000  # the sweep is not empty


def sweep_client(user):
    """A client that answers a server error as a 500 instead of raising it."""
    return signed_in_client(user, raise_request_exception=False)


# --- The list of parameters is complete -----------------------------------------------------

GET_CALL = re.compile(r"request\.GET(?:\.get|\.getlist|\.pop)?\(\s*[\"']([^\"']+)[\"']")
GET_ITEM = re.compile(r"request\.GET\[\s*[\"']([^\"']+)[\"']\s*\]")
GET_IN = re.compile(r"[\"']([^\"']+)[\"']\s+(?:not\s+)?in\s+(?:self\.)?request\.GET\b")
BOUND_TO_GET = re.compile(r"([A-Z]\w+)\(\s*(?:self\.)?request\.GET\b")
FILTERSET_CLASS = re.compile(r"filterset_class\s*=\s*(\w+)")


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            yield ".".join(parts)[: -len(".py")], path.read_text()


def _fields_of(module_name, class_name):
    cls = getattr(import_module(module_name), class_name)
    fields = getattr(cls, "base_filters", None) or getattr(cls, "base_fields", None)
    assert fields is not None, f"{module_name}.{class_name} is bound to request.GET: no fields?"
    return set(fields)


def parameters_in_the_source():
    """Every query parameter named in the code: {parameter: where}."""
    named = {}
    for module_name, text in _sources():
        ast.parse(text)  # a file the regexes would misread does not even parse
        for pattern in (GET_CALL, GET_ITEM, GET_IN):
            for key in pattern.findall(text):
                named.setdefault(key, module_name)
        for class_name in [*BOUND_TO_GET.findall(text), *FILTERSET_CLASS.findall(text)]:
            for key in _fields_of(module_name, class_name):
                named.setdefault(key, f"{module_name}.{class_name}")
    return named


def _assert_every_parameter_in_the_source_was_found(found):
    """If this fails, a parameter is read on a path the first pass did not take: give the test
    world what that page needs (its app's tests/fuzz_world.py, or `world` above) or the matrix
    a URL that reaches it, so the odd values reach it too."""
    discovered = set().union(*(p for by_persona in found.values() for p in by_persona.values()))
    missing = {
        key: where
        for key, where in parameters_in_the_source().items()
        if key not in discovered and key not in ONLY_WITH_A_VALID_STATE
    }
    assert not missing, f"read in the code, never by a page of the sweep: {missing}"


def test_the_source_scan_finds_the_parameters_it_must():
    """The scan behind the completeness check reads plain reads, forms and FilterSets."""
    named = parameters_in_the_source()
    assert named["page"] and named["meeting"] and named["from"]  # request.GET.get("…")
    assert named["fiscal_year"]  # funding FilterSets' fields
    assert named["plan"] == "strategy.views.DashboardFilterForm"  # a form bound to GET
    assert named["show"] == "notifications.views.ReminderLogFilter"
    assert named["kind"]  # workinggroups' filterset_class
    assert set(named) >= ONLY_WITH_A_VALID_STATE
