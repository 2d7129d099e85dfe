"""The seed's world, part 3: funding requests of the demo groups, one in each interesting state.

Rows are written with core.upsert on natural keys, so loading twice changes nothing. States
are set directly (with their status-change rows) rather than replayed through the services,
which would e-mail the demo people and stamp today's date on every step.
"""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.utils import timezone

from core import written
from core.upsert import upsert
from councils.models import (
    AgendaItem,
    Attendee,
    Decision,
    InterestDeclaration,
    Meeting,
    MinutesStatus,
    Vote,
)

from . import package
from .models import (
    DECIDED_AT_TEXT,
    FIRST_RECOMMENDATION_TEXT,
    SCHEDULED_TEXT,
    SUBMITTED_TEXT,
    FundingRequest,
    MeetingPackage,
    Recommendation,
    Revision,
    Status,
    StatusChange,
)

S = Status
E = Recommendation.Decision


def at(year, month, day, hour=10):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


MEETINGS = [
    # key, English, French, starts, status, councils
    (
        "autumn-2026",
        "Joint councils meeting — autumn 2026",
        "Réunion des conseils mixtes — automne 2026",
        at(2026, 10, 15, 13),
        Meeting.Status.HELD,
    ),
]
# The planned winter 2027 meeting is the one councils.demo_meetings makes, with its agenda. An
# earlier demo made a second, empty one under this title; loading again removes it.
WINTER_2027 = "2027-02-25"
STALE_DUPLICATES = ["Joint councils meeting — winter 2027"]
# A declared conflict on the scheduled request: (request title, person, statement).
DECLARED = (
    "Common building blocks for online services: discovery study",
    "member",
    "My branch would host the shared notification service this study looks at.",
)

REQUESTS = [
    {
        "group": "digital-identity-wg",
        "title_en": "Digital identity pilot: verifiable credentials in two provinces",
        "title_fr": "Projet pilote d'identité numérique : attestations vérifiables dans deux provinces",
        "summary_en": "Pilot verifiable digital credentials with New Brunswick and British Columbia, using the Pan-Canadian Trust Framework, for three services citizens use most.",
        "summary_fr": "Mettre à l'essai des attestations numériques vérifiables avec le Nouveau-Brunswick et la Colombie-Britannique, selon le Cadre pancanadien de confiance, pour trois services très utilisés.",
        "outcomes_en": "Citizens prove who they are online once and reuse that proof across jurisdictions.",
        "outcomes_fr": "",
        "justification_en": "The councils named digital identity a priority; a joint pilot avoids each jurisdiction paying for the same lessons.",
        "justification_fr": "",
        "cofunding_en": "Both provinces contribute staff time (about 1.5 FTE) and test environments.",
        "cofunding_fr": "",
        "amount": Decimal("250000.00"),
        "fiscal_year": 2027,
        "priorities": ["digital-identity"],
        "status": S.IN_REVIEW,
        "submitted": at(2026, 11, 2),
        "recommendations": [
            ("cochair.pscioc", E.ENDORSE, "Aligné sur la priorité 3 ; budget raisonnable.")
        ],
        "trail": [
            (S.DRAFT, S.SUBMITTED, "groupchair"),
            (S.SUBMITTED, S.IN_REVIEW, "cochair.pscioc"),
        ],
    },
    {
        "group": "client-centred-service-wg",
        "title_en": "Citizen panels on the client journey for life events",
        "title_fr": "Panels citoyens sur le parcours client lors d'événements de la vie",
        "summary_en": "Run six citizen panels across the country to test the client journey maps for three life events before they are published.",
        "summary_fr": "Tenir six panels citoyens au pays pour valider les cartes du parcours client de trois événements de la vie avant leur publication.",
        "outcomes_en": "Journey maps that reflect what citizens actually go through.",
        "outcomes_fr": "Des cartes de parcours qui reflètent ce que vivent vraiment les citoyens.",
        "justification_en": "The journey maps deliverable is at risk without direct input from citizens.",
        "justification_fr": "",
        "cofunding_en": "Ontario provides venues and facilitators in kind.",
        "cofunding_fr": "",
        "amount": Decimal("85000.00"),
        "fiscal_year": 2027,
        "priorities": ["client-centred-service"],
        "status": S.SUBMITTED,
        "submitted": at(2026, 11, 16),
        "recommendations": [],
        "trail": [(S.DRAFT, S.SUBMITTED, "groupchair")],
    },
    {
        "group": "digital-strategy-wg",
        "title_en": "Common building blocks for online services: discovery study",
        "title_fr": "Éléments communs des services en ligne : étude exploratoire",
        "summary_en": "Identify which online-service building blocks (notifications, payments, sign-in) jurisdictions could share, and at what cost.",
        "summary_fr": "Cerner les éléments des services en ligne (avis, paiements, ouverture de session) que les administrations pourraient partager, et à quel coût.",
        "outcomes_en": "Faster, more consistent online services for citizens in every jurisdiction.",
        "outcomes_fr": "Des services en ligne plus rapides et plus uniformes dans toutes les administrations.",
        "justification_en": "Feeds the working group's final report before it winds down.",
        "justification_fr": "Alimente le rapport final du groupe de travail avant sa dissolution.",
        "cofunding_en": "",
        "cofunding_fr": "",
        "amount": Decimal("120000.00"),
        "fiscal_year": 2026,
        "priorities": ["digital-strategy"],
        "status": S.SCHEDULED,
        "submitted": at(2026, 9, 8),
        "meeting": "winter-2027",
        "recommendations": [
            ("cochair.pssdc", E.ENDORSE, "Clear scope and a useful input to the final report."),
            ("cochair.pscioc", E.ENDORSE, "D'accord."),
        ],
        "trail": [
            (S.DRAFT, S.SUBMITTED, "cochair2.pssdc"),
            (S.SUBMITTED, S.IN_REVIEW, "cochair.pssdc"),
            (S.IN_REVIEW, S.ENDORSED, "cochair.pscioc"),
            (S.ENDORSED, S.SCHEDULED, "secretariat"),
        ],
    },
    {
        "group": "open-government-wg",
        "title_en": "Shared open data inventory platform",
        "title_fr": "Plateforme commune d'inventaire des données ouvertes",
        "summary_en": "Host the shared open data inventory on one platform all jurisdictions can update.",
        "summary_fr": "Héberger l'inventaire commun des données ouvertes sur une plateforme que toutes les administrations peuvent mettre à jour.",
        "outcomes_en": "Citizens find open data from every jurisdiction in one place.",
        "outcomes_fr": "Les citoyens trouvent au même endroit les données ouvertes de toutes les administrations.",
        "justification_en": "",
        "justification_fr": "",
        "cofunding_en": "",
        "cofunding_fr": "",
        "amount": Decimal("60000.00"),
        "fiscal_year": 2026,
        "priorities": ["digital-strategy"],
        "status": S.APPROVED,
        "submitted": at(2026, 6, 1),
        "meeting": "autumn-2026",
        "approved": Decimal("50000.00"),
        "votes": (14, 2, 1),
        "decided": at(2026, 10, 15, 15),
        "recommendations": [("cochair.pscioc", E.ENDORSE, "Bon rapport coût-bénéfice.")],
        "trail": [
            (S.DRAFT, S.SUBMITTED, "cochair2.pscioc"),
            (S.SUBMITTED, S.IN_REVIEW, "cochair.pscioc"),
            (S.IN_REVIEW, S.ENDORSED, "cochair.pscioc"),
            (S.ENDORSED, S.SCHEDULED, "secretariat"),
            (S.SCHEDULED, S.APPROVED, "secretariat"),
        ],
    },
    {
        "group": "data-driven-insights",
        "title_en": "Service data standards workshop series",
        "title_fr": "",
        "summary_en": "Four workshops to agree on common definitions for service volumes and wait times.",
        "summary_fr": "",
        "outcomes_en": "",
        "outcomes_fr": "",
        "justification_en": "",
        "justification_fr": "",
        "cofunding_en": "",
        "cofunding_fr": "",
        "amount": Decimal("30000.00"),
        "fiscal_year": 2027,
        "priorities": ["digital-strategy"],
        "status": S.RETURNED,
        "submitted": at(2026, 10, 20),
        "recommendations": [
            (
                "cochair.pscioc",
                E.RETURN,
                "Merci d'ajouter les résultats attendus pour les citoyens et une version française.",
            )
        ],
        "trail": [
            (S.DRAFT, S.SUBMITTED, "cdo.guest"),
            (S.SUBMITTED, S.IN_REVIEW, "cochair.pscioc"),
            (S.IN_REVIEW, S.RETURNED, "cochair.pscioc"),
        ],
    },
    {
        "group": "business-services",
        "title_en": "Business services one-stop prototype",
        "title_fr": "Prototype de guichet unique pour les entreprises",
        "summary_en": "A clickable prototype of one place where a business registers with every jurisdiction.",
        "summary_fr": "",
        "outcomes_en": "",
        "outcomes_fr": "",
        "justification_en": "",
        "justification_fr": "",
        "cofunding_en": "",
        "cofunding_fr": "",
        "amount": Decimal("40000.00"),
        "fiscal_year": 2027,
        "priorities": ["client-centred-service"],
        "status": S.DRAFT,
        "submitted": None,
        "recommendations": [],
        "trail": [],
    },
]

AUTHORS = {
    "digital-identity-wg": "groupchair",
    "client-centred-service-wg": "groupchair",
    "digital-strategy-wg": "cochair2.pssdc",
    "open-government-wg": "cochair2.pscioc",
    "data-driven-insights": "cdo.guest",
    "business-services": "member",
}


def load(ctx):
    users, groups, priorities, councils = (
        ctx["users"],
        ctx["groups"],
        ctx["priorities"],
        ctx["councils"],
    )
    meetings = {}
    for key, en, fr, starts, status in MEETINGS:
        meeting, _ = upsert(
            Meeting,
            {"title_en": en},
            {
                "title_fr": fr,
                "starts_at": starts,
                "ends_at": starts + datetime.timedelta(hours=3),
                "status": status,
                "location_en": "Videoconference",
                "location_fr": "Vidéoconférence",
            },
        )
        meeting.councils.set(councils.values())
        meetings[key] = meeting
    meetings["winter-2027"] = ctx["meetings"][WINTER_2027]
    ctx["funding_meetings"] = meetings

    requests = {}
    for spec in REQUESTS:
        author = users[AUTHORS[spec["group"]]]
        submitted = spec["submitted"]
        votes = spec.get("votes", (None, None, None))
        trail = spec["trail"]
        values = {
            "title_fr": spec["title_fr"],
            "summary_en": spec["summary_en"],
            "summary_fr": spec["summary_fr"],
            "outcomes_en": spec["outcomes_en"],
            "outcomes_fr": spec["outcomes_fr"],
            "justification_en": spec["justification_en"],
            "justification_fr": spec["justification_fr"],
            "cofunding_en": spec["cofunding_en"],
            "cofunding_fr": spec["cofunding_fr"],
            "amount_requested": spec["amount"],
            "amount_approved": spec.get("approved"),
            "fiscal_year": spec["fiscal_year"],
            "status": spec["status"],
            "meeting": meetings.get(spec.get("meeting")),
            "created_by": author,
            "submitted_by": author if submitted else None,
            "submitted_at": submitted,
            "revision": 1 if submitted else 0,
            "version": 1 + len(trail) + len(spec["recommendations"]),
            "decided_at": spec.get("decided"),
            "votes_for": votes[0],
            "votes_against": votes[1],
            "votes_abstaining": votes[2],
        }
        request, _ = upsert(
            FundingRequest,
            {"group": groups[spec["group"]], "title_en": spec["title_en"]},
            values,
        )
        request.priorities.set([priorities[code] for code in spec["priorities"]])
        if submitted:
            upsert(
                Revision,
                {"request": request, "number": 1},
                {
                    "content": request.content_snapshot(),
                    "submitted_by": author,
                    "submitted_at": submitted,
                },
            )
        for offset, (username, decision, comment) in enumerate(spec["recommendations"]):
            upsert(
                Recommendation,
                {"request": request, "revision": 1, "reviewer": users[username]},
                {
                    "decision": decision,
                    "comment": comment,
                    # Each co-chair writes in their own language.
                    "comment_lang": users[username].profile.preferred_language,
                    "created_at": submitted + datetime.timedelta(days=3 + offset),
                },
            )
        for step, (old, new, username) in enumerate(trail):
            key, params = _said_by_workflow(new, meetings.get(spec.get("meeting")))
            upsert(
                StatusChange,
                {"request": request, "old_status": old, "new_status": new},
                {
                    "by": users[username],
                    "at": submitted + datetime.timedelta(days=3 * step),
                    "revision": 1,
                    "reason": "",
                    "reason_lang": "",
                    "reason_key": key,
                    "reason_params": params,
                },
            )
        _on_agenda(request, meetings.get(spec.get("meeting")))
        requests[spec["title_en"]] = request
    ctx["funding_requests"] = requests
    _remove_stale_duplicates()
    _declare(requests, users)
    _approve_2020_minutes(ctx["meeting_2020"], meetings["autumn-2026"], users)
    _publish_package(meetings["winter-2027"], users["secretariat"])
    return ctx


def _publish_package(meeting, by):
    """The winter 2027 meeting's package, made here rather than by a worker, and announced to
    nobody (the demo sends no e-mail): once, and only where the PDF engine can run (without
    Pango the meeting page says what is missing)."""
    if meeting.packages.filter(status=MeetingPackage.Status.READY).exists():
        return
    if package.can_publish():
        return
    pending = meeting.packages.filter(status=MeetingPackage.Status.PENDING).first()
    if pending is None:
        last = meeting.packages.aggregate(last=Max("version"))["last"] or 0
        pending = MeetingPackage.objects.create(meeting=meeting, version=last + 1, published_by=by)
    package.package_generate(pending.pk, notify=False)


MINUTES_2020 = (
    "The councils confirmed their three priorities (digital identity, client-centred service, "
    "digital strategy) and agreed that the council co-chairs meet the co-chairs of each set of "
    "working groups.",
    "Les conseils ont confirmé leurs trois priorités (identité numérique, service axé sur le "
    "client, stratégie numérique) et convenu que les coprésidents des conseils rencontrent les "
    "coprésidents de chaque ensemble de groupes de travail.",
)


def _approve_2020_minutes(meeting, approving, users):
    """The 27 February 2020 minutes, approved at the autumn 2026 meeting (held, with its
    members present for quorum), and so locked."""
    if not meeting.minutes_en:
        meeting.minutes_en, meeting.minutes_fr = MINUTES_2020
        meeting.save(update_fields=["minutes_en", "minutes_fr"])
    item, _ = upsert(
        AgendaItem,
        {"meeting": approving, "minutes_of": meeting},
        {
            "order": 1,
            "kind": AgendaItem.Kind.ITEM,
            "title_en": f"Approval of the minutes of {meeting.title_en}",
            "title_fr": f"Approbation du procès-verbal de {meeting.title_fr}",
        },
    )
    voters = []
    for username in ("member", "groupchair"):
        user = users[username]
        upsert(
            Attendee,
            {"meeting": approving, "user": user},
            {
                "role": Attendee.Role.MEMBER,
                "jurisdiction": user.profile.jurisdiction,
                "attendance": Attendee.Attendance.PRESENT,
            },
        )
        voters.append(user)
    vote, created = upsert(
        Vote,
        {"meeting": approving, "agenda_item": item},
        {
            "votes_for": 2,
            "eligible_count": 2,
            "jurisdictions_present": 2,
            "closed_at": approving.starts_at,
            "closed_by": users["secretariat"],
        },
    )
    if created:
        vote.eligible_voters.set(voters)
    decision, _ = upsert(
        Decision,
        {"meeting": approving, "agenda_item": item},
        {
            "number": 1,
            "text_en": "The minutes of the 27 February 2020 meeting are approved.",
            "text_fr": "Le procès-verbal de la réunion du 27 février 2020 est approuvé.",
            "vote": vote,
        },
    )
    if meeting.minutes_approved_by_id != decision.pk:
        meeting.minutes_status = MinutesStatus.APPROVED
        meeting.minutes_approved_by = decision
        meeting.save(update_fields=["minutes_status", "minutes_approved_by"])


def _on_agenda(request, meeting):
    """A scheduled request has its line on the meeting's agenda (as the service makes it)."""
    if request.status != S.SCHEDULED or meeting is None:
        return
    last = (
        meeting.agenda_items.filter(funding_request__isnull=True)
        .exclude(kind=AgendaItem.Kind.QUESTION)
        .aggregate(last=Max("order"))["last"]
    )
    item, _ = upsert(
        AgendaItem,
        {"meeting": meeting, "title_en": f"Funding request: {request.title_en}"},
        {
            "kind": AgendaItem.Kind.ITEM,
            "order": (last or 0) + 1,
            "title_fr": f"Demande de financement : {request.title_fr}",
        },
    )
    if request.agenda_item_id != item.pk:
        request.agenda_item = item
        request.save(update_fields=["agenda_item"])


def _remove_stale_duplicates():
    """The empty duplicate an earlier demo made; kept if anything real points at it."""
    for title in STALE_DUPLICATES:
        for meeting in Meeting.objects.filter(title_en=title):
            if not (
                meeting.funding_requests.exists()
                or meeting.agenda_items.exists()
                or meeting.attendees.exists()
                or meeting.decisions.exists()
            ):
                meeting.delete()


def _declare(requests, users):
    title, username, statement = DECLARED
    request = requests[title]
    person = users[username]
    content_type = ContentType.objects.get_for_model(FundingRequest)
    if not InterestDeclaration.objects.filter(
        content_type=content_type, object_id=request.pk, person=person
    ).exists():
        InterestDeclaration.objects.create(
            person=person,
            content_type=content_type,
            object_id=request.pk,
            statement=statement,
            statement_lang="en",
            declared_by=person,
            declared_at=at(2026, 12, 1),
        )


def _said_by_workflow(new, meeting):
    """What the services would have written for this step (core.written keys)."""
    label = {"meeting": written.in_both_languages(lambda: str(meeting))} if meeting else {}
    if new == S.SUBMITTED:
        return SUBMITTED_TEXT, {}
    if new == S.IN_REVIEW:
        return FIRST_RECOMMENDATION_TEXT, {}
    if new == S.SCHEDULED and meeting:
        return SCHEDULED_TEXT, label
    if new in (S.APPROVED, S.NOT_APPROVED, S.DEFERRED) and meeting:
        return DECIDED_AT_TEXT, label
    return "", {}
