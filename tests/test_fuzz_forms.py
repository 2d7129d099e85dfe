"""Property-based tests: generated input posted to every form a persona can reach never causes
a server error, and never half-saves: the request either succeeds (a redirect) or leaves every
table exactly as it was (the form is shown again with messages)."""

from html.parser import HTMLParser

import pytest
from django.apps import apps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import signed_in_client
from tests.test_permission_matrix import MATRIX

# Forms that change the session rather than data, and are tested elsewhere.
SKIP_ACTIONS = ("/i18n/setlang/", "/accounts/logout/", "/accounts/login/")
# Anonymous too: the public forms (forgot my password, the invitee's first password).
PERSONA_FOR_FORMS = ["group_cochair", "council_cochair", "secretariat", "member", "anonymous"]
OUR_APPS = {
    "councils",
    "signin",
    "workinggroups",
    "people",
    "funding",
    "strategy",
    "notifications",
    "publication",
    "api",
}
RAW_MODEL_MESSAGES = ("This field cannot be null.", "This field cannot be blank.")


class FormParser(HTMLParser):
    """The POST forms of a page: action and fields (name, type, options)."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}}
        elif self._form is None:
            return
        elif tag in ("input", "textarea") and a.get("name"):
            kind = a.get("type", "text") if tag == "input" else "textarea"
            if kind in ("submit", "button", "image", "reset"):
                return
            self._form["fields"][a["name"]] = {
                "type": kind,
                "value": a.get("value", ""),
                "options": [],
            }
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["fields"][a["name"]] = {"type": "select", "value": "", "options": []}
        elif tag == "option" and self._select:
            self._form["fields"][self._select]["options"].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


nasty_text = st.one_of(
    st.text(max_size=30),
    st.text(min_size=300, max_size=3000),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1e309",
            "NaN",
            "2020-21",
            "9999-99-99",
            "<script>x</script>",
            "' OR 1=1 --",
            "../../etc/passwd",
            "\x00",
            "١٢٣",
            "1" * 40,
            "-0.001",
            "2020-13-45",
        ]
    ),
)


def value_for(field, data):
    kind = field["type"]
    if kind == "hidden" and field["value"] and data.draw(st.booleans()):
        return field["value"]  # keep the form's own token/version most of the time
    if kind == "select" and field["options"]:
        return data.draw(st.one_of(st.sampled_from(field["options"]), nasty_text))
    if kind == "checkbox":
        return data.draw(st.sampled_from(["on", "", "x"]))
    if kind == "number":
        return data.draw(
            st.one_of(
                st.integers(-(10**12), 10**12).map(str),
                st.floats(allow_nan=True).map(str),
                nasty_text,
            )
        )
    if kind == "date":
        return data.draw(st.one_of(st.dates().map(str), nasty_text))
    if kind == "file":
        return None
    return data.draw(nasty_text)


def table_counts():
    return {
        m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label in OUR_APPS
    }


def reachable_forms(world, client_for):
    found = []
    for name, (method, make_url, expected) in sorted(MATRIX.items()):
        if method != "get":
            continue
        for persona in PERSONA_FOR_FORMS:
            if expected.get(persona) != 200:
                continue
            client = client_for(world[persona])
            url = make_url(world)
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            parser = FormParser()
            parser.feed(response.content.decode())
            for form in parser.forms:
                action = form["action"] or url
                if not any(skip in action for skip in SKIP_ACTIONS):
                    found.append((name, persona, action, form["fields"]))
    return found


@pytest.fixture
def world(module_world, db):
    """Built once for the module (conftest.module_world); each test's posts are rolled back."""
    return module_world


@pytest.fixture(scope="module")
def crawled_forms(module_world, module_db):
    """Every form the personas are shown, found once for the module's tests."""
    with module_db.unblock():
        return reachable_forms(module_world, signed_in_client)


def test_generated_input_never_breaks_a_form(world, client_for, crawled_forms):
    forms = crawled_forms
    assert forms, "no form found: the crawler is broken"

    @settings(
        max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    @given(data=st.data())
    def post_generated(data):
        name, persona, action, fields = data.draw(st.sampled_from(forms))
        payload = {k: v for k, f in fields.items() if (v := value_for(f, data)) is not None}
        client = client_for(world[persona])
        before = table_counts()
        response = client.post(action, payload)
        assert response.status_code < 500, (name, persona, action, payload)
        # One clear message per problem: never the model's raw words about a value the form
        # could not read.
        page = response.content.decode(errors="replace")
        for raw in RAW_MODEL_MESSAGES:
            assert raw not in page, (name, persona, action, payload)
        # 302: saved and sent on; 201: saved and answered with a page (a secret shown once).
        if response.status_code not in (201, 302):
            assert table_counts() == before, f"half-saved on {action} with {payload}"

    post_generated()


# The secretariat's forms for groups, mandates and memberships (issue 12, section 2): each one
# is reached, and each gets its own generated input (the sample above draws among all forms).
SECRETARIAT_FORMS = {
    "councils:council_membership_create",
    "councils:council_membership_edit",
    "councils:council_membership_end",
    "workinggroups:group_create",
    "workinggroups:group_edit",
    "workinggroups:membership_create",
    "workinggroups:membership_edit",
    "workinggroups:membership_end",
    "workinggroups:review_create",
}


def fuzz_each(forms, world, client_for, examples=5):
    """Generated input for each form in turn (the first test draws among all forms, so one
    form may go untried)."""

    def fuzz(form):
        @settings(
            max_examples=examples,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(data=st.data())
        def post_generated(data):
            name, persona, action, fields = form
            payload = {k: v for k, f in fields.items() if (v := value_for(f, data)) is not None}
            before = table_counts()
            response = client_for(world[persona]).post(action, payload)
            assert response.status_code < 500, (name, persona, action, payload)
            page = response.content.decode(errors="replace")
            for raw in RAW_MODEL_MESSAGES:
                assert raw not in page, (name, persona, action, payload)
            if response.status_code not in (201, 302):
                assert table_counts() == before, f"half-saved on {action} with {payload}"

        post_generated()

    for form in forms:
        fuzz(form)


def test_generated_input_never_breaks_the_secretariats_forms(world, client_for, crawled_forms):
    forms = [f for f in crawled_forms if f[0] in SECRETARIAT_FORMS]
    assert {f[0] for f in forms} == SECRETARIAT_FORMS, "a secretariat form is not reached"
    fuzz_each(forms, world, client_for)


# Progress reporting (issue 12, section 1): (page, persona, what the form's action ends with).
# The objective's update form on the group's page and on the objective's own page; the
# report's start, its draft (save or submit) and, once filed, the secretariat's review.
PROGRESS_FORMS = {
    ("workinggroups:group_detail", "group_cochair", "/update/"),
    ("workinggroups:group_detail", "secretariat", "/update/"),
    ("workinggroups:objective_detail", "group_cochair", "/update/"),
    ("workinggroups:report_list", "group_cochair", "/reports/new/"),
    ("workinggroups:report_detail", "group_cochair", "/reports/{draft}/"),
    ("workinggroups:report_detail (filed)", "secretariat", "/acknowledge/"),
    ("workinggroups:report_detail (filed)", "secretariat", "/return/"),
}


def test_generated_input_never_breaks_the_progress_forms(world, client_for, crawled_forms):
    draft = str(world["draft_report"].pk)
    wanted = {(page, persona, end.format(draft=draft)) for page, persona, end in PROGRESS_FORMS}
    forms, reached = [], set()
    for form in crawled_forms:
        name, persona, action, _fields = form
        for key in wanted:
            if key[:2] == (name, persona) and action.endswith(key[2]):
                reached.add(key)
                forms.append(form)
    assert reached == wanted, f"progress forms not reached: {wanted - reached}"
    fuzz_each(forms, world, client_for)


# The meeting cycle's forms (issue 13): declaring and withdrawing an interest, the quorum rule,
# attendance and decisions. Each is reached and gets its own generated input.
MEETING_CYCLE_FORMS = {
    "councils:agenda_item_declare",
    "councils:declaration_withdraw",
    "councils:council_quorum",
    "councils:attendee_create",
    "councils:decision_create",
    "funding:request_declare",
    "councils:minutes_erratum_create",
    "funding:package_publish",
}


def test_generated_input_never_breaks_the_meeting_cycle_forms(world, client_for, crawled_forms):
    forms = [f for f in crawled_forms if f[0] in MEETING_CYCLE_FORMS]
    assert {f[0] for f in forms} == MEETING_CYCLE_FORMS, "a meeting-cycle form is not reached"

    fuzz_each(forms, world, client_for)


# The co-chairs' check-in (issue 13, section 6) is made on the meeting form: its kind and its
# groups. The crawler sees one checkbox per name, so the groups and the kind are drawn here
# from the real choices as well as from nasty text, and the form's other fields as above.
CHECK_IN_FORMS = {"councils:meeting_create", "councils:meeting_edit (check-in)"}


def test_generated_input_never_breaks_the_check_in_form(world, client_for, crawled_forms):
    forms = [f for f in crawled_forms if f[0] in CHECK_IN_FORMS]
    assert {f[0] for f in forms} == CHECK_IN_FORMS, "a check-in form is not reached"
    group_ids = [str(world["group"].pk), str(world["other_group"].pk)]

    @settings(
        max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    @given(data=st.data())
    def post_generated(data):
        name, persona, action, fields = data.draw(st.sampled_from(forms))
        payload = {k: v for k, f in fields.items() if (v := value_for(f, data)) is not None}
        payload["kind"] = data.draw(st.one_of(st.sampled_from(["check_in", "council"]), nasty_text))
        payload["groups"] = data.draw(
            st.one_of(st.lists(st.sampled_from(group_ids), unique=True), st.lists(nasty_text))
        )
        before = table_counts()
        response = client_for(world[persona]).post(action, payload)
        assert response.status_code < 500, (name, persona, action, payload)
        page = response.content.decode(errors="replace")
        for raw in RAW_MODEL_MESSAGES:
            assert raw not in page, (name, persona, action, payload)
        if response.status_code != 302:
            assert table_counts() == before, f"half-saved on {action} with {payload}"

    post_generated()


def test_generated_input_never_breaks_the_publication_form(world, client_for, crawled_forms):
    """The secretariat's publish/unpublish confirmation (issue 18)."""
    forms = [f for f in crawled_forms if f[0] == "publication:manage"]
    assert forms, "the publication form is not reached"
    fuzz_each(forms, world, client_for, examples=8)


# A person's API tokens (issue 18): making a token, and revoking one after the confirmation.
API_TOKEN_FORMS = {"api_tokens:list", "api_tokens:revoke"}


def test_generated_input_never_breaks_the_api_token_forms(world, client_for, crawled_forms):
    forms = [f for f in crawled_forms if f[0] in API_TOKEN_FORMS]
    assert {f[0] for f in forms} == API_TOKEN_FORMS, "an API token form is not reached"
    fuzz_each(forms, world, client_for)
