"""Withdrawing a request is final: it goes through a page that names the request, requires a
reason and says it cannot be undone."""

import pytest
from django.urls import reverse

from funding.models import Status, StatusChange

S = Status


def _url(obj, language="en"):
    return f"/{language}{reverse('funding:request_withdraw', args=[obj.pk])[3:]}"


def test_the_request_page_leads_to_the_confirmation_rather_than_withdrawing(
    submitted, group_cochair, client_for
):
    page = client_for(group_cochair).get(reverse("funding:request_detail", args=[submitted.pk]))
    html = page.content.decode()
    assert f'href="{_url(submitted)}"' in html
    assert f'action="{_url(submitted)}"' not in html  # no withdrawal from the request page


@pytest.mark.parametrize(
    ("language", "final"),
    [("en", "Withdrawing cannot be undone."), ("fr", "Le retrait est définitif.")],
)
def test_the_confirmation_names_the_request_and_says_it_cannot_be_undone(
    submitted, group_cochair, client_for, language, final
):
    html = client_for(group_cochair).get(_url(submitted, language)).content.decode()
    assert submitted.title_en in html.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert final in html
    assert 'name="reason"' in html and "required" in html.split('name="reason"', 1)[1][:200]


def test_the_reason_is_required_and_nothing_changes_without_it(
    submitted, group_cochair, client_for
):
    client = client_for(group_cochair)
    response = client.post(_url(submitted), {"version": submitted.version, "reason": "  "})
    assert response.status_code == 400
    assert "Say why you are withdrawing the request." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    assert not StatusChange.objects.filter(new_status=S.WITHDRAWN).exists()


def test_confirming_with_a_reason_withdraws_and_keeps_the_reason(
    submitted, group_cochair, client_for
):
    client = client_for(group_cochair)
    data = {"version": submitted.version, "reason": "Funded elsewhere."}
    response = client.post(_url(submitted), data)
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.WITHDRAWN
    change = StatusChange.objects.get(request=submitted, new_status=S.WITHDRAWN)
    assert (change.reason, change.reason_lang, change.by) == (
        "Funded elsewhere.",
        "en",
        group_cochair,
    )


def test_a_request_that_can_no_longer_be_withdrawn_says_so_and_offers_no_form(
    in_state, group_cochair, client_for
):
    approved = in_state(S.APPROVED)
    html = client_for(group_cochair).get(_url(approved)).content.decode()
    assert "it can no longer be withdrawn" in html and 'name="reason"' not in html
    response = client_for(group_cochair).post(
        _url(approved), {"version": approved.version, "reason": "Try anyway."}
    )
    assert response.status_code == 409
    approved.refresh_from_db()
    assert approved.status == S.APPROVED


def test_a_stale_page_is_refused_and_keeps_the_reason(submitted, group_cochair, client_for):
    client = client_for(group_cochair)
    data = {"version": submitted.version - 1 or 99, "reason": "Not needed any more."}
    response = client.post(_url(submitted), data)
    assert response.status_code == 409
    assert "Not needed any more." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
