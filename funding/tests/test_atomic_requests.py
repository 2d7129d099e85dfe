"""Issue 14: a view that fails after its write leaves the database unchanged."""

import pytest
from django.test import Client
from django.urls import reverse

from funding import views
from funding.models import Status


@pytest.mark.django_db(transaction=True)
def test_an_exception_after_the_write_leaves_the_database_unchanged(
    submitted, group_cochair, monkeypatch
):
    def fail_after_the_write(*args, **kwargs):
        raise RuntimeError("the view failed after the service wrote")

    monkeypatch.setattr(views.messages, "success", fail_after_the_write)
    client = Client(raise_request_exception=False)
    client.force_login(group_cochair)
    response = client.post(
        reverse("funding:request_withdraw", args=[submitted.pk]),
        {"version": submitted.version, "reason": "No longer needed"},
    )
    assert response.status_code == 500
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
