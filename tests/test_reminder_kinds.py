"""Every kind of reminder the groups' rules produce: when, to whom, in which language, once.

Time is frozen; sweeps are called as the periodic tasks call them, and the send tasks run
eagerly after commit, as a worker would run them.
"""

import datetime

import pytest
from django.core import mail

from councils.tests.factories import CouncilFactory, CouncilMembershipFactory, UserFactory
from notifications import kinds, services
from notifications.models import Notification, Reminder
from notifications.tests.helpers import TODAY, eager_celery, frozen  # noqa: F401
from workinggroups import reminders, tasks
from workinggroups.models import Group, Workplan
from workinggroups.tests.factories import GroupFactory, GroupMembershipFactory, ObjectiveFactory

pytestmark = pytest.mark.usefixtures("eager_celery")
DAY = datetime.timedelta(days=1)


def person(username, language="en"):
    user = UserFactory(username=username, first_name=username.title())
    if language != "en":
        user.profile.preferred_language = language
        user.profile.save()
    return user


@pytest.fixture
def people(group, council):
    """Co-chairs (one French), a council representative, a plain member, the council's
    co-chair and secretariat, and someone of another council."""
    cast = {
        "chair_en": person("chair-en"),
        "chair_fr": person("chair-fr", "fr"),
        "representative": person("rep"),
        "member": person("member"),
        "council_chair": person("council-chair"),
        "secretariat": person("secretariat"),
        "other_secretariat": person("other-secretariat"),
    }
    for key in ("chair_en", "chair_fr"):
        GroupMembershipFactory(group=group, user=cast[key], role="co_chair")
    GroupMembershipFactory(
        group=group, user=cast["representative"], role="representative", council=council
    )
    GroupMembershipFactory(group=group, user=cast["member"], role="member")
    CouncilMembershipFactory(council=council, user=cast["council_chair"], role="co_chair")
    CouncilMembershipFactory(council=council, user=cast["secretariat"], role="secretariat")
    CouncilMembershipFactory(
        council=CouncilFactory(code="other"), user=cast["other_secretariat"], role="secretariat"
    )
    return cast


def sweep(django_capture_on_commit_callbacks, fn, day):
    with frozen(day), django_capture_on_commit_callbacks(execute=True):
        return fn()


def sent_to(kind=None):
    rows = Reminder.objects.filter(sent_at__isnull=False)
    if kind:
        rows = rows.filter(kind=kind)
    return sorted(rows.values_list("recipient__username", flat=True))


def mail_for(user):
    return [m for m in mail.outbox if m.to == [user.email]]


# --- Deadlines ------------------------------------------------------------------------------


def test_deadline_in_30_days_goes_to_the_cochairs_in_their_language(
    people, group, django_capture_on_commit_callbacks
):
    ObjectiveFactory(
        group=group, title_en="Pilot", title_fr="Projet pilote", due_date=TODAY + 30 * DAY
    )
    for _ in range(3):  # the schedule fires three times: one reminder each
        sweep(django_capture_on_commit_callbacks, reminders.remind_deadlines, TODAY)
    assert sent_to() == ["chair-en", "chair-fr"]
    assert len(mail.outbox) == 2
    (english,) = mail_for(people["chair_en"])
    assert english.subject == "Due in 30 days: Pilot (Digital Identity Working Group)"
    assert "is due on December 23, 2026" in english.body
    assert "/en/groups/digital-identity-wg/" in english.body
    (french,) = mail_for(people["chair_fr"])
    assert french.subject == (
        "Échéance dans 30 jours\u00a0: Projet pilote (Groupe de travail sur l'identité numérique)"
    )
    assert "23 décembre 2026" in french.body and "/fr/groups/digital-identity-wg/" in french.body
    assert "Projet pilote" in french.alternatives[0][0]
    entry = Notification.objects.get(recipient=people["chair_fr"])
    assert entry.text_fr == french.subject and entry.text_en.startswith("Due in 30 days")


def test_each_window_once_then_the_missed_deadline_also_to_representatives(
    people, group, django_capture_on_commit_callbacks
):
    due = TODAY + 30 * DAY
    ObjectiveFactory(group=group, due_date=due)
    expected = {
        due - 30 * DAY: kinds.DEADLINE_30,
        due - 7 * DAY: kinds.DEADLINE_7,
        due - DAY: kinds.DEADLINE_1,
        due + DAY: kinds.OVERDUE,
    }
    day = TODAY
    while day <= due + 3 * DAY:
        claimed = sweep(django_capture_on_commit_callbacks, reminders.remind_deadlines, day)
        kinds_claimed = set(Reminder.objects.filter(pk__in=claimed).values_list("kind", flat=True))
        assert kinds_claimed == ({expected[day]} if day in expected else set()), day
        day += DAY
    assert sent_to(kinds.DEADLINE_7) == ["chair-en", "chair-fr"]
    assert sent_to(kinds.OVERDUE) == ["chair-en", "chair-fr", "rep"]
    assert len(mail.outbox) == 3 * 2 + 3
    (missed,) = list(mail_for(people["representative"]))
    assert missed.subject.startswith("Deadline missed: Objective")
    french = [m for m in mail_for(people["chair_fr"]) if "dépassée" in m.subject]
    assert len(french) == 1


def test_a_late_objective_gets_only_its_current_window(
    people, group, django_capture_on_commit_callbacks
):
    ObjectiveFactory(group=group, due_date=TODAY + 5 * DAY, kind="deliverable", title_en="Guide")
    sweep(django_capture_on_commit_callbacks, reminders.remind_deadlines, TODAY)
    assert set(Reminder.objects.values_list("kind", flat=True)) == {kinds.DEADLINE_7}
    assert "The deliverable “Guide”" in mail_for(people["chair_en"])[0].body


def test_due_today_and_tomorrow_use_the_one_day_window(
    people, group, django_capture_on_commit_callbacks
):
    ObjectiveFactory(group=group, due_date=TODAY, title_en="Today")
    sweep(django_capture_on_commit_callbacks, reminders.remind_deadlines, TODAY)
    assert mail_for(people["chair_en"])[0].subject.startswith("Due today: Today")


def test_done_objectives_and_dissolved_groups_are_not_reminded(
    people, group, django_capture_on_commit_callbacks
):
    ObjectiveFactory(group=group, due_date=TODAY - DAY, status="done")
    gone = GroupFactory(slug="gone", status=Group.Status.DISSOLVED)
    GroupMembershipFactory(group=gone, user=people["chair_en"], role="co_chair")
    ObjectiveFactory(group=gone, due_date=TODAY + DAY)
    sweep(django_capture_on_commit_callbacks, reminders.remind_deadlines, TODAY)
    assert not Reminder.objects.exists() and mail.outbox == []


def test_sweep_task_takes_a_day(people, group, django_capture_on_commit_callbacks):
    ObjectiveFactory(group=group, due_date=TODAY + 7 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_deadlines.apply(args=[TODAY.isoformat()]).get() == 2
        assert tasks.sweep_deadlines.apply(args=[TODAY.isoformat()]).get() == 0


# --- Workplans ------------------------------------------------------------------------------


def workplan(group, status="draft", due=TODAY - DAY):
    return Workplan.objects.create(
        group=group,
        version=Workplan.objects.filter(group=group).count() + 1,
        period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2028, 3, 31),
        due_date=due,
        status=status,
    )


def test_workplan_not_submitted_goes_to_the_cochairs(
    people, group, django_capture_on_commit_callbacks
):
    workplan(group)
    workplan(group, status="submitted")
    workplan(group, due=TODAY)  # due today: not late yet
    for _ in range(3):
        sweep(django_capture_on_commit_callbacks, reminders.remind_workplans, TODAY)
    assert sent_to(kinds.WORKPLAN_NOT_SUBMITTED) == ["chair-en", "chair-fr"]
    assert mail_for(people["chair_en"])[0].subject == (
        "Workplan not submitted: Digital Identity Working Group"
    )
    assert mail_for(people["chair_fr"])[0].subject == (
        "Plan de travail non soumis\u00a0: Groupe de travail sur l'identité numérique"
    )
    assert "April 1, 2026 to March 31, 2028" in mail_for(people["chair_en"])[0].body


# --- Reviews --------------------------------------------------------------------------------


def test_dissolution_review_goes_to_council_cochairs_and_secretariat(
    people, group, django_capture_on_commit_callbacks
):
    ObjectiveFactory(group=group, status="done", completed_on=TODAY - 3 * DAY)
    people["council_chair"].profile.preferred_language = "fr"
    people["council_chair"].profile.save()
    for _ in range(3):
        sweep(django_capture_on_commit_callbacks, reminders.remind_reviews, TODAY)
    assert sent_to(kinds.DISSOLUTION_REVIEW) == ["council-chair", "secretariat"]
    (english,) = mail_for(people["secretariat"])
    assert english.subject == "Due for a dissolution review: Digital Identity Working Group"
    assert "All the objectives of Digital Identity Working Group are met." in english.body
    (french,) = mail_for(people["council_chair"])
    assert french.subject == (
        "Examen de dissolution à faire\u00a0: Groupe de travail sur l'identité numérique"
    )
    assert Reminder.objects.filter(due_date=TODAY - 3 * DAY).count() == 2


def test_a_group_past_its_end_date_is_due_for_a_dissolution_review(
    people, group, django_capture_on_commit_callbacks
):
    ObjectiveFactory(group=group, status="on_track")
    group.end_date = TODAY - 2 * DAY
    group.save()
    sweep(django_capture_on_commit_callbacks, reminders.remind_reviews, TODAY)
    sweep(django_capture_on_commit_callbacks, reminders.remind_reviews, TODAY + DAY)
    assert sent_to(kinds.DISSOLUTION_REVIEW) == ["council-chair", "secretariat"]
    assert "passed its end date (November 21, 2026)" in mail_for(people["secretariat"])[0].body


def test_usefulness_review_of_a_community_of_practice(
    people, group, django_capture_on_commit_callbacks
):
    group.kind = Group.Kind.COMMUNITY_OF_PRACTICE
    group.next_review_date = TODAY - DAY
    group.save()
    for _ in range(3):
        sweep(django_capture_on_commit_callbacks, reminders.remind_reviews, TODAY)
    assert sent_to(kinds.USEFULNESS_REVIEW) == ["council-chair", "secretariat"]
    assert mail_for(people["council_chair"])[0].subject == (
        "Usefulness review due: Digital Identity Working Group"
    )


# --- Liaison gaps ---------------------------------------------------------------------------


def test_a_liaison_gap_that_persists_goes_to_that_councils_secretariat(
    people, group, council, settings, django_capture_on_commit_callbacks
):
    # The representative covers the council; without them there is a gap.
    settings.PORTAL_LIAISON_GAP_DAYS = 7
    rep = group.memberships.get(role="representative")
    rep.end_date = TODAY - 10 * DAY
    rep.start_date = datetime.date(2020, 1, 1)
    rep.save()
    for offset in range(0, 7):
        assert not sweep(
            django_capture_on_commit_callbacks, reminders.remind_liaison_gaps, TODAY + offset * DAY
        )
    for _ in range(3):
        sweep(django_capture_on_commit_callbacks, reminders.remind_liaison_gaps, TODAY + 7 * DAY)
    assert sent_to(kinds.LIAISON_GAP) == ["secretariat"]
    (message,) = mail.outbox
    assert message.subject == "Liaison gap: Digital Identity Working Group has nobody on PSSDC"
    assert "Since November 23, 2026 (7 days)" in message.body


def test_a_gap_that_closes_starts_over(people, group, settings, django_capture_on_commit_callbacks):
    settings.PORTAL_LIAISON_GAP_DAYS = 2
    rep = group.memberships.get(role="representative")
    rep.delete()
    sweep(django_capture_on_commit_callbacks, reminders.remind_liaison_gaps, TODAY)
    GroupMembershipFactory(
        group=group, user=people["representative"], role="representative", council=rep.council
    )
    sweep(django_capture_on_commit_callbacks, reminders.remind_liaison_gaps, TODAY + DAY)
    group.memberships.filter(role="representative").delete()
    sweep(django_capture_on_commit_callbacks, reminders.remind_liaison_gaps, TODAY + 2 * DAY)
    assert not Reminder.objects.exists()  # seen again, but only since today
    sweep(django_capture_on_commit_callbacks, reminders.remind_liaison_gaps, TODAY + 4 * DAY)
    assert sent_to(kinds.LIAISON_GAP) == ["secretariat"]


# --- Terms ending ---------------------------------------------------------------------------


def test_a_term_ending_within_30_days_goes_to_the_councils_secretariat_once(
    people, group, council, django_capture_on_commit_callbacks
):
    term = group.memberships.get(role="representative")
    term.end_date = TODAY + 31 * DAY
    term.save()
    assert not sweep(django_capture_on_commit_callbacks, reminders.remind_terms_ending, TODAY)
    for _ in range(3):
        sweep(django_capture_on_commit_callbacks, reminders.remind_terms_ending, TODAY + DAY)
    assert sent_to(kinds.TERM_ENDING) == ["secretariat"]
    (message,) = mail.outbox
    rep = people["representative"].get_full_name()
    assert message.subject == (
        f"Term ending on 2026-12-24: {rep} (council representative, Digital Identity Working Group)"
    )
    assert "ends on December 24, 2026, in 30 days" in message.body
    assert "/en/groups/digital-identity-wg/memberships/" in message.body
    # Extended, then ending again: reminded again before the new end.
    term.end_date = TODAY + 40 * DAY
    term.save()
    sweep(django_capture_on_commit_callbacks, reminders.remind_terms_ending, TODAY + 20 * DAY)
    assert sent_to(kinds.TERM_ENDING) == ["secretariat", "secretariat"]


def test_a_council_term_ending_goes_to_that_councils_secretariat_in_their_language(
    people, council, django_capture_on_commit_callbacks
):
    people["secretariat"].profile.preferred_language = "fr"
    people["secretariat"].profile.save()
    seat = council.memberships.get(user=people["council_chair"])
    seat.end_date = TODAY + 5 * DAY
    seat.save()
    sweep(django_capture_on_commit_callbacks, tasks.sweep_terms_ending, TODAY)
    assert sent_to(kinds.TERM_ENDING) == ["secretariat"]
    (message,) = mail.outbox
    assert message.subject.startswith("Mandat se terminant le ")
    assert "/fr/councils/pssdc/members/" in message.body


def test_terms_already_over_or_of_people_who_left_are_not_reminded(
    people, group, django_capture_on_commit_callbacks
):
    term = group.memberships.get(role="member")
    term.end_date = TODAY - DAY
    term.save()
    chair = group.memberships.get(user=people["chair_en"])
    chair.end_date = TODAY + 3 * DAY
    chair.save()
    people["chair_en"].is_active = False
    people["chair_en"].save()
    assert not sweep(django_capture_on_commit_callbacks, reminders.remind_terms_ending, TODAY)


# --- Weekly digest --------------------------------------------------------------------------


def test_weekly_digest_per_cochair_once_a_week(people, group, django_capture_on_commit_callbacks):
    ObjectiveFactory(group=group, title_en="Late", title_fr="En retard", due_date=TODAY - DAY)
    ObjectiveFactory(group=group, title_en="Soon", title_fr="Bientôt", due_date=TODAY + 10 * DAY)
    ObjectiveFactory(group=group, title_en="Far", due_date=TODAY + 90 * DAY)
    for _ in range(3):
        sweep(django_capture_on_commit_callbacks, services.weekly_digest, TODAY)
    sweep(django_capture_on_commit_callbacks, services.weekly_digest, TODAY + 2 * DAY)
    assert sent_to(kinds.DIGEST) == ["chair-en", "chair-fr"]
    (english,) = mail_for(people["chair_en"])
    assert english.subject == "What waits on you — week of November 23, 2026"
    assert "Overdue since November 22, 2026: Late" in english.body
    assert "Due on December 3, 2026: Soon" in english.body and "Far" not in english.body
    (french,) = mail_for(people["chair_fr"])
    assert french.subject == "Ce qui vous attend — semaine du 23 novembre 2026"
    assert "En retard" in french.body and "Bientôt" in french.body
    sweep(django_capture_on_commit_callbacks, services.weekly_digest, TODAY + 7 * DAY)
    assert len(mail_for(people["chair_en"])) == 2


def test_council_cochairs_digest_lists_groups_due_for_review(
    people, group, django_capture_on_commit_callbacks
):
    ObjectiveFactory(group=group, status="done")
    sweep(django_capture_on_commit_callbacks, services.weekly_digest, TODAY)
    (message,) = mail_for(people["council_chair"])
    assert "Due for a dissolution review: Digital Identity Working Group" in message.body


# --- Coming up ------------------------------------------------------------------------------


def test_forecast_lists_the_reminders_of_the_next_30_days(people, group):
    ObjectiveFactory(group=group, title_en="Pilot", due_date=TODAY + 10 * DAY)
    workplan(group, due=TODAY + 4 * DAY)
    with frozen():
        from notifications.selectors import upcoming

        rows = upcoming()
    found = [(r["date"], r["kind"], sorted(u.username for u in r["recipients"])) for r in rows]
    chairs = ["chair-en", "chair-fr"]
    assert (TODAY + 3 * DAY, kinds.DEADLINE_7, chairs) in found
    assert (TODAY + 9 * DAY, kinds.DEADLINE_1, chairs) in found
    assert (TODAY + 11 * DAY, kinds.OVERDUE, [*chairs, "rep"]) in found
    assert (TODAY + 5 * DAY, kinds.WORKPLAN_NOT_SUBMITTED, chairs) in found
    term = group.memberships.get(role="co_chair", user=people["chair_en"])
    term.end_date = TODAY + 45 * DAY
    term.save()
    with frozen():
        rows = upcoming()
    ending = [r for r in rows if r["kind"] == kinds.TERM_ENDING]
    assert [(r["date"], [u.username for u in r["recipients"]]) for r in ending] == [
        (TODAY + 15 * DAY, ["secretariat"])
    ]
    assert all(TODAY < r["date"] <= TODAY + 30 * DAY for r in rows)
