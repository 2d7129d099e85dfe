"""What the pages show: the review page's context, the queue, the overview and its CSV."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from funding import services
from funding.models import FundingRequest, Status
from funding.tests.conftest import request_data
from funding.tests.factories import FundingRequestFactory
from workinggroups.tests.factories import ObjectiveFactory

S = Status


def test_review_page_shows_everything_a_reviewer_needs(
    submitted, group, group_cochair, council_cochair, client_for, priority, in_state
):
    ObjectiveFactory(group=group, title_en="Publish the trust framework", priority=priority)
    FundingRequestFactory(
        group=group,
        created_by=group_cochair,
        status=S.APPROVED,
        submitted=True,
        title_en="Last year's pilot",
        amount_approved=Decimal("5000"),
    )
    response = client_for(council_cochair).get(
        reverse("funding:request_detail", args=[submitted.pk])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The endorsement rule" in page and "at least one co-chair of each council" in page
    assert "Publish the trust framework" in page  # the group's objectives
    assert "Last year&#x27;s pilot" in page and "$5,000.00" in page  # past requests, decisions
    assert "a priority the group serves" in page  # alignment
    assert "Your recommendation" in page and "Record my recommendation" in page
    assert "Waiting on:" in page
    assert "<p>Pilot verifiable credentials.</p>" in page and "&lt;p&gt;" not in page
    french = client_for(council_cochair).get(f"/fr/funding/{submitted.pk}/").content.decode()
    assert '<div lang="en"><p>Pilot verifiable credentials.</p></div>' in french


def test_review_page_shows_other_recommendations_and_the_changes_since_the_last_version(
    joint_submitted, joint_cochair, council_cochair, council2_cochair, client_for, priority
):
    services.recommendation_record(
        request=joint_submitted,
        by=council_cochair,
        decision="endorse",
        comment="Fine by me.",
        expected_version=joint_submitted.version,
    )
    joint_submitted.refresh_from_db()
    obj, _ = services.recommendation_record(
        request=joint_submitted,
        by=council2_cochair,
        decision="return",
        comment="Budget?",
        expected_version=joint_submitted.version,
    )
    obj = services.funding_request_update(
        request=obj,
        by=joint_cochair,
        expected_version=obj.version,
        data=request_data(
            summary_en="Pilot verifiable credentials in two provinces.",
            amount_requested=Decimal("20000"),
        ),
        priorities=[priority],
    )
    obj = services.funding_request_submit(
        request=obj, by=joint_cochair, expected_version=obj.version
    )
    page = (
        client_for(council_cochair)
        .get(reverse("funding:request_detail", args=[obj.pk]))
        .content.decode()
    )
    assert "What changed since revision 1" in page
    assert '<ins><span class="visually-hidden">inserted: </span> in two provinces</ins>' in page
    assert '<th scope="row">Summary (English)</th>' in page
    assert "removed: </span>$25,000.00</del> → <ins>" in page and "$20,000.00" in page
    french = client_for(council_cochair).get(f"/fr/funding/{obj.pk}/").content.decode()
    assert '<th scope="row">Résumé (anglais)</th>' in french  # field names: the reader's
    # The English text is marked English; the labels keep the page's language.
    assert (
        '<span lang="en">Pilot verifiable credentials<ins><span class="visually-hidden" '
        'lang="fr">insertion\u00a0: </span> in two provinces</ins>.</span>'
    ) in french
    assert "On earlier versions" in page and "Budget?" in page and "Fine by me." in page


def test_recused_cochair_reads_but_is_told_why_they_cannot_recommend(
    submitted, group, council_cochair, client_for
):
    from workinggroups.tests.factories import GroupMembershipFactory

    GroupMembershipFactory(user=council_cochair, group=group, role="member")
    page = (
        client_for(council_cochair)
        .get(reverse("funding:request_detail", args=[submitted.pk]))
        .content.decode()
    )
    assert "You are recused from this request" in page
    assert "Record my recommendation" not in page
    assert "Recused:" in page


def test_review_queue_lists_what_waits_with_filters_and_sorting(
    group,
    group_cochair,
    council_cochair,
    client_for,
    priority,
    joint_group,
    joint_cochair,
    council2,
):
    small = services.funding_request_create(
        group=group,
        by=group_cochair,
        data=request_data(title_en="Small", amount_requested=Decimal("100")),
        priorities=[priority],
    )
    big = services.funding_request_create(
        group=group,
        by=group_cochair,
        data=request_data(title_en="Big", amount_requested=Decimal("90000")),
        priorities=[priority],
    )
    joint = services.funding_request_create(
        group=joint_group,
        by=joint_cochair,
        data=request_data(title_en="Joint"),
        priorities=[priority],
    )
    for obj, by in ((small, group_cochair), (big, group_cochair), (joint, joint_cochair)):
        services.funding_request_submit(request=obj, by=by, expected_version=obj.version)
    c = client_for(council_cochair)
    url = reverse("funding:review_queue")
    response = c.get(url)
    assert [r.title_en for r in response.context["object_list"]] == ["Small", "Big", "Joint"]
    page = response.content.decode()
    assert "Waiting since" in page and "$90,000.00" in page and "Digital identity" in page
    by_amount = c.get(url, {"sort": "amount_desc"}).context["object_list"]
    assert by_amount[0].title_en == "Big"
    only_joint = c.get(url, {"group": joint_group.pk}).context["object_list"]
    assert [r.title_en for r in only_joint] == ["Joint"]
    by_name = c.get(url, {"group": joint_group.name_fr[2:-2].upper()}).context["object_list"]
    assert [r.title_en for r in by_name] == ["Joint"]
    assert 'type="text" name="group"' in page  # thousands of groups: no <select>
    # Only the councils I co-chair are offered; another council's code is ignored.
    assert len(c.get(url, {"council": council2.pk}).context["object_list"]) == 3
    recent = c.get(url, {"fiscal_year": "2026", "sort": "recent"}).context["object_list"]
    assert [r.title_en for r in recent] == ["Joint", "Big", "Small"]
    # Once recommended, it leaves my queue.
    big.refresh_from_db()
    services.recommendation_record(
        request=big,
        by=council_cochair,
        decision="endorse",
        comment="",
        expected_version=big.version,
    )
    assert "Big" not in [r.title_en for r in c.get(url).context["object_list"]]


def test_overview_and_csv(in_state, secretariat, client_for):
    in_state(S.APPROVED, amount_requested=Decimal("1000"), amount_approved=Decimal("750"))
    in_state(S.ENDORSED, amount_requested=Decimal("500"), title_en="=HYPERLINK(evil)")
    in_state(S.DRAFT, amount_requested=Decimal("99999"))
    c = client_for(secretariat)
    page = c.get(reverse("funding:overview")).content.decode()
    assert "Fiscal year 2026-27" in page
    assert "$1,500.00" in page and "$750.00" in page and "99,999" not in page
    response = c.get(reverse("funding:overview_csv"), {"fiscal_year": "2026"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Fiscal year"
    assert rows[1] == [
        "2026-27",
        "digital-identity",
        "Digital identity",
        "2",
        "1500.00",
        "1500.00",
        "750.00",
    ]
    french = c.get("/fr/funding/overview.csv", {"fiscal_year": "2026"})
    assert "apercu-du-financement" in french["Content-Disposition"]
    lines = french.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Exercice;")
    assert lines[1].endswith(";1500,00;1500,00;750,00")


def test_overview_totals_are_cached_until_a_request_changes(in_state, secretariat, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    approved = in_state(
        S.APPROVED, amount_requested=Decimal("1000"), amount_approved=Decimal("750")
    )
    c = client_for(secretariat)
    url = reverse("funding:overview")

    def get():
        with CaptureQueriesContext(connection) as ctx:
            page = c.get(url).content.decode()
        return page, len(ctx.captured_queries)

    first, cold = get()
    again, warm = get()
    assert "$750.00" in first and "$750.00" in again
    assert warm < cold  # the sums come from the cache
    approved.amount_approved = Decimal("600")
    approved.save()
    changed, queries = get()
    assert "$600.00" in changed and "$750.00" not in changed and queries == cold


def test_csv_neutralises_formulas(in_state, secretariat, client_for, priority):
    priority.title_en = "=cmd|' /C calc'!A0"
    priority.save()
    in_state(S.SUBMITTED)
    body = client_for(secretariat).get(reverse("funding:overview_csv")).content.decode("utf-8-sig")
    assert "'=cmd" in body


@pytest.mark.parametrize("language", ["en", "fr"])
def test_pages_render_in_both_languages(language, submitted, council_cochair, client_for):
    c = client_for(council_cochair)
    for url in (
        f"/{language}/funding/",
        f"/{language}/funding/review-queue/",
        f"/{language}/funding/overview/",
        f"/{language}/funding/{submitted.pk}/",
    ):
        response = c.get(url)
        assert response.status_code == 200
        assert f'<html lang="{language}">' in response.content.decode()


def test_demo_data_loads_twice_without_change(db, settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    snapshot = list(
        FundingRequest.objects.order_by("pk").values_list("pk", "status", "version", "updated_at")
    )
    history = FundingRequest.history.count()
    call_command("load_demo", verbosity=0)
    assert (
        list(
            FundingRequest.objects.order_by("pk").values_list(
                "pk", "status", "version", "updated_at"
            )
        )
        == snapshot
    )
    assert FundingRequest.history.count() == history
    statuses = set(FundingRequest.objects.values_list("status", flat=True))
    assert {"in_review", "submitted", "scheduled", "approved", "returned", "draft"} <= statuses
    pilot = FundingRequest.objects.get(title_en__startswith="Digital identity pilot")
    assert pilot.group.slug == "digital-identity-wg" and pilot.status == S.IN_REVIEW


def test_inline_diff_escapes_what_people_typed():
    from core.textdiff import inline_diff

    html = inline_diff("Budget <b>old</b>", "Budget <script>alert(1)</script>")
    assert "<script" not in html and "<b>" not in html and "&lt;" in html
    assert html.startswith("Budget ") and "<del>" in html and "<ins>" in html


def test_admin_shows_requests_read_only_with_history(submitted, client_for, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.gc.ca", "x" * 12)
    c = client_for(admin)
    assert c.get("/en/admin/funding/fundingrequest/").status_code == 200
    page = c.get(f"/en/admin/funding/fundingrequest/{submitted.pk}/change/")
    assert (
        page.status_code == 200
        and "Save" not in page.content.decode().split("submit-row")[-1][:200]
    )
    history = c.get(f"/en/admin/funding/fundingrequest/{submitted.pk}/history/")
    assert history.status_code == 200
    assert c.get("/en/admin/funding/fundingrequest/add/").status_code == 403


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("The budget is 10 dollars.", "The budget is 12 dollars, approved."),
        ("w1 w2 w3 " * 3000, "w3 w2 w1 " * 3000),  # past the word-level budget
        ("\n".join(f"line {i}" for i in range(3000)), "\n".join(f"line {i}x" for i in range(3000))),
        ("a b " * 5000, "a b " * 2500 + "changed " + "a b " * 2500),
    ],
)
def test_the_bounded_diff_still_shows_exactly_both_texts(old, new):
    """Issue 14: the diff is bounded (no longer quadratic); whatever it falls back to, removing
    <ins> gives the old text back and removing <del> gives the new one."""
    import re

    from core.textdiff import inline_diff

    html = str(inline_diff(old, new)).replace("<br>", "\n")
    html = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", html)  # the labels
    html = html.replace("</del> <ins>", "</del><ins>")  # the space between a replacement
    before = re.sub(r"<ins>.*?</ins>|</?del>", "", html, flags=re.S)
    after = re.sub(r"<del>.*?</del>|</?ins>", "", html, flags=re.S)
    assert before == old and after == new


@pytest.mark.parametrize(
    ("language", "removed", "inserted"),
    [("en", "removed: ", "inserted: "), ("fr", "suppression\u00a0: ", "insertion\u00a0: ")],
)
def test_changed_words_are_labelled_and_keep_a_space_between_them(language, removed, inserted):
    from django.utils import translation

    from core.textdiff import inline_diff

    with translation.override(language):
        html = str(inline_diff("The budget is 10 dollars.", "The budget is 12 dollars."))
    assert html == (
        f'The budget is <del><span class="visually-hidden">{removed}</span>10</del> '
        f'<ins><span class="visually-hidden">{inserted}</span>12</ins> dollars.'
    )


def _endorse(request, cochair):
    request.refresh_from_db()
    services.recommendation_record(
        request=request,
        by=cochair,
        decision="endorse",
        comment="",
        expected_version=request.version,
    )


def test_the_review_queue_counts_once_per_change_and_per_reviewer(
    in_state, council_cochair, client_for, settings
):
    """Issue 17: the queue's COUNT ran on every view (53 ms at scale 1,000). It is kept per
    data version and per reviewer, and a recommendation shows in the next count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PORTAL_FRAGMENT_CACHE = True
    settings.PORTAL_PAGE_SIZE = 5
    requests = [in_state(Status.SUBMITTED) for _ in range(7)]
    c = client_for(council_cochair)
    url = reverse("funding:review_queue")

    def read():
        with CaptureQueriesContext(connection) as ctx:
            response = c.get(url)
        counts = [q for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
        counted = [q for q in counts if "funding_fundingrequest" in q["sql"]]
        return response.context["paginator"].count, len(counted), response.content.decode()

    count, queries, page = read()
    assert (count, queries) == (7, 1) and "Showing 1 to 5 of 7" in page
    assert read()[:2] == (7, 0)
    _endorse(requests[0], council_cochair)
    count, queries, page = read()
    assert (count, queries) == (6, 1) and "Showing 1 to 5 of 6" in page


def test_home_counts_the_co_chairs_queue_once_per_change(
    in_state, council_cochair, client_for, cache_on
):
    """The queue's count and oldest date on home, kept like the queue's own count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    requests = [in_state(Status.SUBMITTED) for _ in range(3)]
    c = client_for(council_cochair)

    def read():
        with CaptureQueriesContext(connection) as ctx:
            page = c.get(reverse("portal:home")).content.decode()
        shown = re.search(r"(\d+) funding requests wait on your recommendation", page)
        counted = [
            q
            for q in ctx.captured_queries
            if "MIN(" in q["sql"] and "funding_fundingrequest" in q["sql"]
        ]
        return int(shown[1]), len(counted), "The oldest arrived today." in page

    assert read() == (3, 1, True)
    assert read() == (3, 0, True)
    _endorse(requests[0], council_cochair)
    assert read() == (2, 1, True)


def test_the_review_queue_keeps_its_rows_and_says_how_long_each_has_waited(
    in_state, council_cochair, client_for, cache_on
):
    """Issue 17: rendering the queue's 25 rows was half the page. They are kept like the
    funding list's, per the ids on the page, language, day and data version; so a row says
    how many days it has waited, not hours that would be wrong by evening."""
    import datetime

    import time_machine
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    waiting = in_state(Status.SUBMITTED, title_en="Kept row")
    c = client_for(council_cochair)
    url = reverse("funding:review_queue")

    def read(**params):
        with CaptureQueriesContext(connection) as ctx:
            page = c.get(url, params).content.decode()
        return page, len(ctx.captured_queries)

    first, rendered = read()
    assert "Kept row" in first and "since today" in first
    again, kept = read()

    def rows(page):
        return page[page.index("<tbody>") : page.index("</tbody>")]

    assert rows(again) == rows(first) and kept < rendered  # rows not read nor rendered again
    waiting.title_en = "Renamed row"
    waiting.save()  # a change shows at once
    assert "Renamed row" in read()[0]
    waiting.submitted_at = timezone.now() - datetime.timedelta(days=3)
    waiting.save()
    later = read()[0]
    assert "for 3 days" in later and "since today" not in later
    # The next day the kept rows are not served: each says one day more.
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    with time_machine.travel(tomorrow, tick=False):
        # Nothing changed but the day (signed in again: a session ends after a day idle).
        assert "for 4 days" in client_for(council_cochair).get(url).content.decode()
    fr = c.get(url.replace("/en/", "/fr/")).content.decode()
    assert "depuis 3 jours" in fr


def test_the_kept_queue_filter_offers_each_co_chair_only_their_councils(
    council, council2, council_cochair, council2_cochair, client_for, cache_on
):
    """The queue's filter is kept like the funding list's, but its councils are the reader's:
    one co-chair's kept fields are never served to a co-chair of another council."""
    import re

    url = reverse("funding:review_queue")

    def offered(user):
        page = client_for(user).get(url).content.decode()
        select = re.search(r'<select name="council".*?</select>', page, re.S).group(0)
        return set(re.findall(r'<option value="(\d+)"', select))

    assert offered(council_cochair) == {str(council.pk)}
    assert offered(council2_cochair) == {str(council2.pk)}
    assert offered(council_cochair) == {str(council.pk)}  # kept, and still their own
