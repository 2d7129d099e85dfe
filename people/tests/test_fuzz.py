"""The project's form fuzzer (tests/test_fuzz_forms.py) aimed at this app's forms, with more
examples: generated input never causes a server error nor a half-saved write, and every form
of the People area and of the public pages is reachable by it."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_fuzz_forms import reachable_forms, table_counts, value_for
from tests.world import build_world

OURS = ("people:", "password_reset")


def test_generated_input_never_breaks_a_people_form(
    personas, council, priority, group, client_for, run_on_commit
):
    world = build_world(personas, council, priority, group)
    forms = [f for f in reachable_forms(world, client_for) if f[0].startswith(OURS)]
    names = {(name, persona) for name, persona, _action, _fields in forms}
    assert {
        ("people:person_detail", "secretariat"),  # "send a new invitation link"
        ("people:person_invite", "secretariat"),
        ("people:person_edit", "secretariat"),
        ("people:person_deactivate", "secretariat"),
        ("people:person_reactivate", "secretariat"),
        ("people:invitation_accept", "anonymous"),
        ("password_reset", "anonymous"),
    } <= names

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def post_generated(data):
        name, persona, action, fields = data.draw(st.sampled_from(forms))
        payload = {k: v for k, f in fields.items() if (v := value_for(f, data)) is not None}
        before = table_counts()
        with run_on_commit():
            response = client_for(world[persona]).post(action, payload)
        assert response.status_code < 500, (name, persona, action, payload)
        if response.status_code not in (201, 302):
            assert table_counts() == before, f"half-saved on {action} with {payload}"

    post_generated()
