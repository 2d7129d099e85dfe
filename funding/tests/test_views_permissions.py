"""Every funding page and action, for every persona: 404 to those who may not see the request,
403 to those who see it but may not act, and the happy path for the right person."""

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import Status
from funding.permissions import can_view_request
from funding.selectors import visible_requests
from funding.tests.conftest import pdf_bytes, upload

S = Status
PERSONAS = ["anonymous", "outsider", "member", "group_cochair", "council_cochair", "secretariat"]


def expect(response, code):
    if code == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == code, response.content[:500]


# Who sees a request, per state: True = 200, False = 404.
SEES = {
    S.DRAFT: {"group_cochair", "secretariat"},
    S.SUBMITTED: {"group_cochair", "council_cochair", "secretariat"},
    S.RETURNED: {"group_cochair", "council_cochair", "secretariat"},
    S.ENDORSED: {"group_cochair", "council_cochair", "secretariat", "member"},
    S.APPROVED: {"group_cochair", "council_cochair", "secretariat", "member"},
    S.DECLINED: {"group_cochair", "council_cochair", "secretariat"},
}


@pytest.mark.parametrize("state", list(SEES))
@pytest.mark.parametrize("who", PERSONAS)
def test_request_page_is_shown_only_to_those_who_may_see_it(
    in_state, personas, client_for, state, who
):
    obj = in_state(state)
    response = client_for(personas[who]).get(reverse("funding:request_detail", args=[obj.pk]))
    if who == "anonymous":
        expect(response, "login")
    else:
        expect(response, 200 if who in SEES[state] else 404)
        # The list shows exactly the same requests as the detail pages allow.
        assert can_view_request(personas[who], obj) == (who in SEES[state])
        assert visible_requests(personas[who]).filter(pk=obj.pk).exists() == (who in SEES[state])


def test_list_page_shows_each_persona_what_it_may_see(in_state, personas, client_for):
    draft = in_state(S.DRAFT, title_en="Secret draft")
    endorsed = in_state(S.ENDORSED, title_en="Endorsed one")
    url = reverse("funding:request_list")
    expect(client_for(personas["outsider"]).get(url), 403)
    member_page = client_for(personas["member"]).get(url).content.decode()
    assert "Endorsed one" in member_page and "Secret draft" not in member_page
    for who in ("group_cochair", "secretariat"):
        page = client_for(personas[who]).get(url).content.decode()
        assert draft.title_en in page and endorsed.title_en in page


def test_list_filters_sorts_and_paginates(in_state, personas, client_for, settings, priority):
    settings.PORTAL_PAGE_SIZE = 5
    for amount in range(1, 8):
        in_state(S.ENDORSED, amount_requested=Decimal(amount * 1000), title_en=f"R{amount}")
    in_state(S.DRAFT, title_en="The draft", amount_requested=Decimal("99"))
    c = client_for(personas["secretariat"])
    page = c.get(reverse("funding:request_list"), {"status": "endorsed", "sort": "amount_desc"})
    titles = [r.title_en for r in page.context["object_list"]]
    assert titles == ["R7", "R6", "R5", "R4", "R3"]
    second = c.get(
        reverse("funding:request_list"), {"status": "endorsed", "sort": "amount_desc", "page": 2}
    )
    assert [r.title_en for r in second.context["object_list"]] == ["R2", "R1"]
    searched = c.get(reverse("funding:request_list"), {"q": "the draft"})
    assert [r.title_en for r in searched.context["object_list"]] == ["The draft"]


def test_list_query_count_does_not_grow_with_the_data(
    in_state, personas, client_for, django_assert_max_num_queries
):
    for _ in range(3):
        in_state(S.ENDORSED)
    c = client_for(personas["member"])
    url = reverse("funding:request_list")
    c.get(url)
    in_state(S.ENDORSED)  # a change: both reads below count the rows (core.pagination)
    with django_assert_max_num_queries(20) as few:
        c.get(url)
    for _ in range(10):
        in_state(S.ENDORSED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        c.get(url)


# --- Actions ----------------------------------------------------------------------------------


def post(client, name, obj, data=None):
    payload = {"version": obj.version, **(data or {})}
    return client.post(reverse(f"funding:{name}", args=[obj.pk]), payload)


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("anonymous", "login"),
        ("outsider", 404),
        ("member", 404),
        ("group_cochair", 403),
        ("secretariat", 403),
        ("council_cochair", 302),
    ],
)
def test_recommend(submitted, personas, client_for, who, code):
    response = post(
        client_for(personas[who]), "request_recommend", submitted, {"decision": "endorse"}
    )
    expect(response, code)
    submitted.refresh_from_db()
    assert submitted.status == (S.ENDORSED if code == 302 else S.SUBMITTED)


def test_a_member_sees_an_endorsed_request_but_may_not_recommend(endorsed, member, client_for):
    expect(post(client_for(member), "request_recommend", endorsed, {"decision": "endorse"}), 403)


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("anonymous", "login"),
        ("outsider", 404),
        ("member", 404),
        ("council_cochair", 404),
        ("secretariat", 403),
        ("group_cochair", 302),
    ],
)
def test_submit(draft, personas, client_for, who, code):
    expect(post(client_for(personas[who]), "request_submit", draft), code)
    draft.refresh_from_db()
    assert draft.status == (S.SUBMITTED if code == 302 else S.DRAFT)


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("outsider", 404),
        ("member", 404),
        ("council_cochair", 403),
        ("secretariat", 403),
        ("group_cochair", 302),
    ],
)
def test_withdraw(submitted, personas, client_for, who, code):
    expect(post(client_for(personas[who]), "request_withdraw", submitted, {"reason": "x"}), code)
    submitted.refresh_from_db()
    assert submitted.status == (S.WITHDRAWN if code == 302 else S.SUBMITTED)


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("anonymous", "login"),
        ("outsider", 404),
        ("member", 404),
        ("council_cochair", 403),
        ("secretariat", 403),
        ("group_cochair", 200),
    ],
)
def test_the_withdrawal_confirmation_page_is_the_requesters_only(
    submitted, personas, client_for, who, code
):
    url = reverse("funding:request_withdraw", args=[submitted.pk])
    expect(client_for(personas[who]).get(url), code)


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("anonymous", "login"),
        ("outsider", 404),
        ("member", 403),
        ("group_cochair", 403),
        ("council_cochair", 403),
        ("secretariat", 302),
    ],
)
def test_schedule(endorsed, meeting, personas, client_for, who, code):
    expect(
        post(client_for(personas[who]), "request_schedule", endorsed, {"meeting": meeting.pk}), code
    )
    endorsed.refresh_from_db()
    assert endorsed.status == (S.SCHEDULED if code == 302 else S.ENDORSED)


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("outsider", 404),
        ("member", 403),
        ("group_cochair", 403),
        ("council_cochair", 403),
        ("secretariat", 302),
    ],
)
def test_record_decision(scheduled, in_session, personas, client_for, who, code, run_on_commit):
    data = {"outcome": "approved", "amount_approved": "20000", "votes_for": "9"}
    with run_on_commit():
        response = post(client_for(personas[who]), "request_decide", scheduled, data)
    expect(response, code)
    scheduled.refresh_from_db()
    if code == 302:
        assert scheduled.status == S.APPROVED
        assert scheduled.amount_approved == Decimal("20000.00") and scheduled.votes_for == 9
    else:
        assert scheduled.status == S.SCHEDULED


@pytest.mark.parametrize(
    "name",
    [
        "request_submit",
        "request_recommend",
        "request_schedule",
        "request_decide",
    ],
)
def test_actions_refuse_get(submitted, secretariat, client_for, name):
    response = client_for(secretariat).get(reverse(f"funding:{name}", args=[submitted.pk]))
    expect(response, 405)


def test_an_illegal_step_is_refused_with_a_message_on_the_page(endorsed, group_cochair, client_for):
    response = post(client_for(group_cochair), "request_submit", endorsed)
    expect(response, 409)
    assert "cannot become" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("anonymous", "login"),
        ("outsider", 404),
        ("member", 404),
        ("council_cochair", 404),
        ("secretariat", 403),
        ("group_cochair", 200),
    ],
)
def test_edit_page(draft, personas, client_for, who, code):
    expect(client_for(personas[who]).get(reverse("funding:request_edit", args=[draft.pk])), code)


def test_edit_of_a_submitted_request_sends_back_to_the_page(submitted, group_cochair, client_for):
    response = client_for(group_cochair).get(reverse("funding:request_edit", args=[submitted.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("anonymous", "login"),
        ("outsider", 403),
        ("member", 403),
        ("council_cochair", 403),
        ("secretariat", 403),
        ("group_cochair", 200),
    ],
)
def test_create_page(personas, client_for, who, code):
    expect(client_for(personas[who]).get(reverse("funding:request_create")), code)


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("anonymous", "login"),
        ("outsider", 403),
        ("member", 403),
        ("group_cochair", 403),
        ("secretariat", 403),
        ("council_cochair", 200),
    ],
)
def test_review_queue_page(personas, client_for, who, code):
    expect(client_for(personas[who]).get(reverse("funding:review_queue")), code)


@pytest.mark.parametrize(
    ("who", "code"),
    [("anonymous", "login"), ("outsider", 403), ("member", 200), ("secretariat", 200)],
)
def test_overview_pages(personas, client_for, who, code):
    for name in ("funding:overview", "funding:overview_csv"):
        expect(client_for(personas[who]).get(reverse(name)), code)


# --- Attachments ------------------------------------------------------------------------------


@pytest.fixture
def with_attachment(group, group_cochair, priority):
    from funding import services
    from funding.files import check_attachment
    from funding.tests.conftest import request_data

    obj = services.funding_request_create(
        group=group,
        by=group_cochair,
        data=request_data(),
        priorities=[priority],
        attachments=[check_attachment(upload("../../etc/Budget plan.pdf", pdf_bytes()))],
    )
    return services.funding_request_submit(
        request=obj, by=group_cochair, expected_version=obj.version
    )


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("anonymous", "login"),
        ("outsider", 404),
        ("member", 404),
        ("group_cochair", 200),
        ("council_cochair", 200),
        ("secretariat", 200),
    ],
)
def test_attachment_download_is_permission_checked(
    with_attachment, personas, client_for, who, code
):
    attachment = with_attachment.attachments.get()
    url = reverse("funding:attachment_download", args=[with_attachment.pk, attachment.pk])
    response = client_for(personas[who]).get(url)
    expect(response, code)
    if code == 200:
        assert b"".join(response.streaming_content) == pdf_bytes()
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="Budget_plan.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "private" in response["Cache-Control"]


def test_an_attachment_is_not_reachable_through_another_request(
    with_attachment, in_state, secretariat, client_for
):
    other = in_state(S.SUBMITTED)
    attachment = with_attachment.attachments.get()
    url = reverse("funding:attachment_download", args=[other.pk, attachment.pk])
    expect(client_for(secretariat).get(url), 404)


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("anonymous", "login"),
        ("outsider", 404),
        ("member", 404),
        ("council_cochair", 404),
        ("secretariat", 403),
    ],
)
def test_edit_post_is_refused_to_the_wrong_personas(
    draft, personas, client_for, priority, who, code
):
    data = {
        "version": draft.version,
        "title_en": "Hijacked",
        "summary_en": "x",
        "amount_requested": "1",
        "fiscal_year": "2026-27",
        "priorities": [priority.pk],
    }
    response = client_for(personas[who]).post(
        reverse("funding:request_edit", args=[draft.pk]), data
    )
    expect(response, code)
    draft.refresh_from_db()
    assert draft.title_en == "Digital identity pilot"


def test_create_post_is_refused_to_a_council_cochair(council_cochair, client_for, group, priority):
    from funding.models import FundingRequest

    data = {
        "group": group.pk,
        "title_en": "x",
        "summary_en": "x",
        "amount_requested": "1",
        "fiscal_year": "2026-27",
        "priorities": [priority.pk],
    }
    expect(client_for(council_cochair).post(reverse("funding:request_create"), data), 403)
    assert not FundingRequest.objects.exists()
