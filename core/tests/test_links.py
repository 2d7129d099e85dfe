"""Links are rendered only for a reader the target page lets in (issue 20)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from core.links import may_open
from workinggroups.tests.factories import WorkplanFactory

TEMPLATE = Template(
    "{% load portal %}{% url 'workinggroups:workplan_detail' w.pk as href %}"
    "{% link_if w|may_open:user href 'small' %}{{ label }}{% endlink_if %}"
)


def render(workplan, user):
    label = f"Version {workplan.version} & <co>"
    return TEMPLATE.render(Context({"w": workplan, "user": user, "label": label}))


@pytest.mark.django_db
def test_a_draft_is_a_link_for_its_cochair_and_text_for_a_council_cochair(
    group, group_cochair, council_cochair, secretariat
):
    draft = WorkplanFactory(group=group, status="draft", version=2)
    href = f'href="/en/groups/workplans/{draft.pk}/"'
    assert render(draft, group_cochair) == f'<a {href} class="small">Version 2 &amp; &lt;co&gt;</a>'
    assert href in render(draft, secretariat)
    # The council co-chair would get 404 from the draft's page: the same text, no link.
    assert render(draft, council_cochair) == "Version 2 &amp; &lt;co&gt;"


@pytest.mark.django_db
def test_an_accepted_workplan_is_a_link_for_every_reader_and_never_for_an_outsider(
    group, member, outsider
):
    accepted = WorkplanFactory(group=group, status="accepted", version=1)
    assert "<a href=" in render(accepted, member)
    assert "<a href=" not in render(accepted, outsider)


@pytest.mark.django_db
def test_asking_costs_no_query_per_row_once_the_roles_are_read(group, council_cochair):
    workplans = [WorkplanFactory(group=group, status="draft", version=n) for n in range(1, 6)]
    workplans = list(type(workplans[0]).objects.filter(pk__in=[w.pk for w in workplans]))
    may_open(council_cochair, workplans[0])  # reads the person's roles, once per request
    with CaptureQueriesContext(connection) as queries:
        answers = [may_open(council_cochair, w) for w in workplans]
    assert answers == [False] * 5
    assert len(queries) == 0, [q["sql"] for q in queries]


def test_a_model_without_a_registered_viewer_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="register_viewer"):
        may_open(None, object())
