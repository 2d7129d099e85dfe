"""Every funding e-mail keeps a title as typed in its subject and plain-text part; only the
HTML part escapes it (issue 14: subjects read `Youth &amp; elders&#x27; …`)."""

from decimal import Decimal

from django.core import mail

from councils.tests.factories import hold_with_quorum
from funding import services
from funding.models import Status

TITLE = 'Youth & elders\' "pilot" <phase 2>'
ESCAPES = ("&amp;", "&#x27;", "&#39;", "&quot;", "&lt;", "&gt;")


def test_every_funding_notice_keeps_the_title_as_typed(
    draft, group_cochair, council_cochair, secretariat, meeting, run_on_commit
):
    draft.title_en = draft.title_fr = TITLE
    draft.save()

    def step(service, **kwargs):
        draft.refresh_from_db()
        with run_on_commit():
            service(request=draft, expected_version=draft.version, **kwargs)

    step(services.funding_request_submit, by=group_cochair)
    step(
        services.recommendation_record,
        by=council_cochair,
        decision="return",
        comment="Who runs it? <b>Say</b> & 'why'",
    )
    step(services.funding_request_submit, by=group_cochair)
    step(services.recommendation_record, by=council_cochair, decision="endorse", comment="")
    step(services.funding_request_schedule, by=secretariat, meeting=meeting)
    hold_with_quorum(meeting, members=15)  # decisions are taken at a held meeting
    step(
        services.funding_request_record_decision,
        by=secretariat,
        outcome=Status.APPROVED,
        amount_approved=Decimal("20000.00"),
    )
    assert len(mail.outbox) == 7  # submitted twice, returned, endorsed, scheduled, decided ×2
    for message in mail.outbox:
        assert TITLE in message.subject and TITLE in message.body, message.subject
        for escaped in ESCAPES:
            assert escaped not in message.subject + message.body, (escaped, message.subject)
        html = message.alternatives[0][0]
        assert "&lt;phase 2&gt;" in html and "<phase 2>" not in html
    returned = next(m for m in mail.outbox if "<b>Say</b>" in m.body)
    assert "Who runs it? <b>Say</b> & 'why'" in returned.body
