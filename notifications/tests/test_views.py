"""Inbox, preferences and the secretariat's reminder log."""

import pytest
from django.urls import reverse

from notifications import selectors
from notifications.models import Notification, Preference, Reminder
from notifications.tests.helpers import make_user


def entry(user, text="Deadline missed: Pilot", read=False, link="/en/inbox/"):
    from django.utils import timezone

    return Notification.objects.create(
        recipient=user,
        kind="overdue",
        text_en=text,
        text_fr=f"FR {text}",
        link=link,
        read_at=timezone.now() if read else None,
    )


@pytest.fixture
def reader(member):
    return member


def test_inbox_lists_my_entries_only_in_my_language(reader, client_for):
    entry(reader, "Mine")
    entry(make_user("someone"), "Not mine")
    page = client_for(reader).get(reverse("notifications:inbox"))
    assert page.status_code == 200
    assert "Mine" in page.text and "Not mine" not in page.text
    french = client_for(reader).get("/fr/inbox/")
    assert "FR Mine" in french.text and 'href="/fr/inbox/"' in french.text


def test_inbox_is_paginated(reader, client_for, settings):
    for i in range(settings.PORTAL_PAGE_SIZE + 3):
        entry(reader, f"Entry {i}")
    page = client_for(reader).get(reverse("notifications:inbox"), {"page": 2})
    assert page.context["page_obj"].number == 2
    assert len(page.context["page_obj"].object_list) == 3


def test_each_unread_row_marks_its_own_entry_and_comes_back_here(reader, client_for):
    import re

    entries = [entry(reader, f"Entry {i}") for i in range(3)] + [entry(reader, "Old", read=True)]
    for language in ("en", "fr"):
        page = client_for(reader).get(f"/{language}/inbox/?page=1").text
        actions = re.findall(r'<form method="post" action="([^"]+)">', page)
        marked = [a for a in actions if a.endswith("/read/")]
        assert marked == [
            f"/{language}/inbox/{n.pk}/read/" for n in reversed(entries) if not n.read_at
        ]
        assert page.count(f'name="next" value="/{language}/inbox/?page=1"') == len(actions)
    # The first row's form, posted as the browser would: that entry is read, no other.
    client_for(reader).post(marked[0], {"next": "/en/inbox/"})
    unread = Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True)
    assert sorted(unread) == sorted(n.pk for n in entries[:2])


def test_unread_count_shows_in_the_main_menu(reader, client_for):
    entry(reader)
    entry(reader)
    entry(reader, read=True)
    page = client_for(reader).get(reverse("portal:home"))
    assert page.context["inbox_badge"]["count"] == 2
    assert 'text-bg-danger">2<span class="visually-hidden"> unread' in page.text


def test_mark_read(reader, client_for):
    n = entry(reader)
    response = client_for(reader).post(reverse("notifications:mark_read", args=[n.pk]))
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.read_at is not None


def test_mark_read_needs_post(reader, client_for):
    n = entry(reader)
    assert (
        client_for(reader).get(reverse("notifications:mark_read", args=[n.pk])).status_code == 405
    )
    n.refresh_from_db()
    assert n.read_at is None


def test_nobody_marks_someone_elses_entry(reader, client_for):
    n = entry(make_user("other"))
    response = client_for(reader).post(reverse("notifications:mark_read", args=[n.pk]))
    assert response.status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_anonymous_is_sent_to_sign_in(db, client_for):
    response = client_for(None).get(reverse("notifications:inbox"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_mark_all_read(reader, client_for):
    mine = [entry(reader), entry(reader)]
    other = entry(make_user("other"))
    client = client_for(reader)
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    response = client.post(
        reverse("notifications:mark_all_read"), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("notifications:inbox")
    for n in mine:
        n.refresh_from_db()
        assert n.read_at is not None
    other.refresh_from_db()
    assert other.read_at is None


@pytest.mark.parametrize("target", ["0", "inbox", "notifications:inbox"])
def test_a_next_that_is_not_a_path_goes_back_to_the_inbox(reader, client_for, target):
    """redirect() takes a bare word for a URL name: "0" was a server error (the fuzzer)."""
    response = client_for(reader).post(reverse("notifications:mark_all_read"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:inbox")


def test_preferences_form_saves_and_keeps_essential_kinds(reader, client_for):
    client = client_for(reader)
    assert client.get(reverse("notifications:preferences")).status_code == 200
    response = client.post(
        reverse("notifications:preferences"),
        {"delivery": "digest", "muted_kinds": ["deadline_30", "liaison_gap"]},
    )
    assert response.status_code == 302
    preference = Preference.objects.get(user=reader)
    assert preference.delivery == "digest"
    assert preference.muted_kinds == ["deadline_30", "liaison_gap"]
    refused = client.post(
        reverse("notifications:preferences"), {"delivery": "digest", "muted_kinds": ["overdue"]}
    )
    assert refused.status_code == 200 and refused.context["form"].errors


@pytest.mark.parametrize("persona", ["outsider", "member", "group_cochair", "council_cochair"])
def test_reminder_log_is_for_the_secretariat_only(personas, client_for, persona):
    response = client_for(personas[persona]).get(reverse("notifications:reminder_log"))
    assert response.status_code == 403


def test_reminder_log_lists_sent_reminders_filtered_by_kind(secretariat, client_for):
    person = make_user("cochair")
    for kind in ("overdue", "deadline_7"):
        r = Reminder.objects.create(
            recipient=person, kind=kind, subject_key=f"x:{kind}", due_date="2026-12-01"
        )
        Notification.objects.create(
            recipient=person, kind=kind, text_en=f"About {kind}", text_fr="", reminder=r
        )
    client = client_for(secretariat)
    page = client.get(reverse("notifications:reminder_log"))
    assert "About overdue" in page.text and "About deadline_7" in page.text
    page = client.get(reverse("notifications:reminder_log"), {"kind": "overdue"})
    assert "About overdue" in page.text and "About deadline_7" not in page.text


def test_reminder_log_lists_what_is_coming_up(secretariat, client_for, group, group_cochair):
    import datetime

    from workinggroups.tests.factories import ObjectiveFactory

    from .helpers import TODAY, frozen

    ObjectiveFactory(group=group, title_en="Pilot", due_date=TODAY + datetime.timedelta(days=10))
    with frozen():
        page = client_for(secretariat).get(
            reverse("notifications:reminder_log"), {"show": "upcoming", "kind": "deadline_7"}
        )
    rows = page.context["page_obj"].object_list
    assert [(r["date"], r["kind"]) for r in rows] == [
        (TODAY + datetime.timedelta(days=3), "deadline_7")
    ]
    assert rows[0]["recipients"] == [group_cochair]
    assert "Pilot" in page.text


def test_home_section(reader):
    assert selectors.home_section(reader) is None
    entry(reader, "Something")
    section = selectors.home_section(reader)
    assert section["unread"] == 1 and section["latest"][0].text == "Something"


# --- Messages not delivered, and how they move -----------------------------------------------


def failed_message(user, *, error="SMTPRecipientsRefused: 550 No such mailbox"):
    from django.utils import timezone

    from notifications import kinds, services

    due = services.Due(
        user.pk,
        kinds.ACTION_ITEM,
        f"tests.failed:{user.pk}",
        timezone.localdate(),
        {"headline": {"en": "Send the minutes", "fr": "Envoyer le procès-verbal"}, "url": "/"},
    )
    (pk,) = services.remind([due])
    Reminder.objects.filter(pk=pk).update(  # sent or not (a test that commits sends it)
        attempts=10, failed_at=timezone.now(), last_error=error, sent_at=None
    )
    return Reminder.objects.get(pk=pk)


def test_the_secretariat_sees_messages_that_failed_for_good_with_the_reason(
    secretariat, client_for, settings
):
    settings.PORTAL_PAGE_SIZE = 5
    people = [make_user(f"p{i}") for i in range(7)]
    for person in people:
        failed_message(person, error=f"SMTPRecipientsRefused: 550 no mailbox for {person}")
    page = client_for(secretariat).get(reverse("notifications:failed_messages"))
    assert page.status_code == 200
    assert "550 no mailbox for p6" in page.text and "Send the minutes" in page.text
    assert page.text.count("Send again") == 5  # paginated
    second = client_for(secretariat).get(reverse("notifications:failed_messages"), {"page": 2})
    assert second.text.count("Send again") == 2
    french = client_for(secretariat).get("/fr/inbox/reminders/failed/")
    assert "Envoyer le procès-verbal" in french.text and "Renvoyer" in french.text


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("outsider", 403),
        ("member", 403),
        ("group_cochair", 403),
        ("council_cochair", 403),
        ("secretariat", 302),
    ],
)
def test_only_the_secretariat_sends_a_message_again(
    personas, client_for, persona, status, django_capture_on_commit_callbacks
):
    message = failed_message(make_user("ana"))
    with django_capture_on_commit_callbacks(execute=False):
        response = client_for(personas[persona]).post(
            reverse("notifications:resend", args=[message.pk])
        )
    assert response.status_code == status
    message.refresh_from_db()
    if persona == "secretariat":
        assert response["Location"] == reverse("notifications:failed_messages")
        assert message.failed_at is None and message.attempts == 0
    else:
        assert message.failed_at is not None and message.attempts == 10


def test_sending_again_a_message_already_sent_changes_nothing(secretariat, client_for):
    from django.utils import timezone

    message = failed_message(make_user("ana"))
    Reminder.objects.filter(pk=message.pk).update(failed_at=None, sent_at=timezone.now())
    client = client_for(secretariat)
    response = client.post(reverse("notifications:resend", args=[message.pk]))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.attempts == 10  # untouched
    page = client.get(response["Location"])
    assert "no longer waiting" in page.text


def test_the_reminders_page_shows_how_messages_are_moving(secretariat, client_for):
    from django.core.management import call_command

    call_command("setup_schedules", verbosity=0)
    failed_message(make_user("ana"))
    page = client_for(secretariat).get(reverse("notifications:reminder_log"))
    assert page.status_code == 200
    facts = page.context["facts"]
    assert {s.task for s in facts.sweeps} >= {"workinggroups.tasks.sweep_deadlines"}
    assert "Reminders: deadlines" in page.text and "Messages: 1 failed for good." in page.text
    assert "Workers (which send the e-mails): no task finished yet." in page.text


def test_an_inbox_of_many_unread_is_counted_up_to_the_cap_and_says_99_plus(reader, client_for):
    """Issue 17: counting 5,000 unread entries cost 2.8 ms on every page; counting stops at
    UNREAD_CAP and the badge and the home page say "more than 99"."""
    from django.utils import timezone

    from notifications.selectors import UNREAD_CAP

    Notification.objects.bulk_create(
        Notification(recipient=reader, kind="overdue", text_en=f"N{i}", text_fr=f"N{i}")
        for i in range(UNREAD_CAP + 20)
    )
    page = client_for(reader).get(reverse("portal:home"))
    assert page.context["inbox_badge"]["count"] == UNREAD_CAP
    assert 'text-bg-danger">99+<span class="visually-hidden"> more than 99 unread' in page.text
    assert "More than 99 unread notifications" in page.text
    french = client_for(reader)
    french.cookies["django_language"] = "fr"
    assert "Plus de 99 notifications non lues" in french.get("/fr/").content.decode()
    # Just under the cap: the exact count.
    Notification.objects.filter(
        pk__in=Notification.objects.filter(recipient=reader).values("pk")[:21]
    ).update(read_at=timezone.now())
    page = client_for(reader).get("/en/")
    assert 'text-bg-danger">99<span class="visually-hidden"> unread' in page.text
    assert "99 unread notifications" in page.text and "More than" not in page.text


def test_a_row_reads_as_the_template_filters_gave_it_in_each_language(reader, client_for):
    """The rows' text, link and time are worked out in the view (issue 17); they read as the
    template's own filters gave them: the time in the portal's time zone and the language's
    short format, a text missing in French shown in English and marked so."""
    import datetime
    import re

    from django.template import Context, Template
    from django.utils import translation

    def squeeze(html):
        return re.sub(r">\s+<", "><", " ".join(html.split()))

    row = entry(reader, "Only in English", link="/en/groups/")
    Notification.objects.filter(pk=row.pk).update(
        text_fr="", created_at=datetime.datetime(2026, 7, 1, 3, 4, tzinfo=datetime.UTC)
    )
    row.refresh_from_db()
    as_filters = Template(
        '{% load portal inbox_tags %}<a href="{{ n.link|in_language }}">{{ n.text|bi }}</a>'
        '<div class="small text-body-secondary fw-normal">{{ n.kind_label }} — <time '
        "datetime=\"{{ n.created_at|date:'c' }}\">{{ n.created_at|date:'SHORT_DATETIME_FORMAT' }}"
        "</time></div>"
    )
    for language in ("en", "fr"):
        with translation.override(language):
            expected = as_filters.render(Context({"n": row}))
        page = client_for(reader).get(f"/{language}/inbox/").text
        assert squeeze(expected) in squeeze(page), language
    french = client_for(reader).get("/fr/inbox/").text
    assert 'href="/fr/groups/"' in french and 'lang="en"' in french
