"""The seed's world, part 2: the groups the deck names, their co-chairs and objectives."""

import datetime
import zoneinfo

from django.utils import timezone

from core.upsert import upsert
from councils.models import AgendaItem, Attendee, Meeting

from .models import (
    Group,
    GroupLink,
    GroupMembership,
    MandateReview,
    MandateVersion,
    Measure,
    MeasureGroup,
    Objective,
    ObjectiveUpdate,
    ProgressReport,
    ProgressReportStatusChange,
    Workplan,
    WorkplanItem,
)

D = datetime.date
TORONTO = zoneinfo.ZoneInfo("America/Toronto")
K = Group.Kind
S = Group.Status

# slug, kind, English name, French name, parent, councils, priorities, status, start, end,
# next review, mandate (en, fr)
GROUPS = [
    (
        "digital-strategy-wg",
        K.WORKING_GROUP,
        "Digital Strategy Working Group",
        "Groupe de travail sur la stratégie numérique",
        None,
        ["pssdc", "pscioc"],
        ["digital-strategy"],
        S.ACTIVE,
        D(2017, 9, 1),
        D(2027, 3, 31),
        D(2027, 1, 15),
        "Share digital transformation strategies across jurisdictions and identify common building blocks for online services.",
        "Mettre en commun les stratégies de transformation numérique des administrations et cerner les éléments communs des services en ligne.",
    ),
    (
        "client-centred-service-wg",
        K.WORKING_GROUP,
        "Client-Centred Service Working Group",
        "Groupe de travail sur les services centrés sur le client",
        None,
        ["pssdc"],
        ["client-centred-service"],
        S.ACTIVE,
        D(2018, 1, 15),
        D(2027, 6, 30),
        D(2027, 2, 1),
        "Map the client journey for life events and publish a common approach to working with citizens on service design.",
        "Cartographier le parcours client lors d'événements de la vie et publier une approche commune de collaboration avec les citoyens pour la conception des services.",
    ),
    (
        "privacy-sub-committee",
        K.SUB_COMMITTEE,
        "Privacy Sub-Committee",
        "Sous-comité sur la protection des renseignements personnels",
        None,
        ["pscioc"],
        ["digital-identity"],
        S.ACTIVE,
        D(2016, 5, 1),
        None,
        D(2027, 5, 1),
        "Advise the councils on privacy questions raised by digital services.",
        "Conseiller les conseils sur les questions de protection des renseignements personnels soulevées par les services numériques.",
    ),
    (
        "open-government-wg",
        K.WORKING_GROUP,
        "Open Government Working Group",
        "Groupe de travail sur le gouvernement ouvert",
        None,
        ["pscioc"],
        ["digital-strategy"],
        S.ACTIVE,
        D(2016, 10, 1),
        D(2027, 3, 31),
        D(2026, 12, 15),
        "Share open data and open government practices between jurisdictions.",
        "Échanger sur les pratiques de données ouvertes et de gouvernement ouvert entre les administrations.",
    ),
    (
        "gdpr-wg",
        K.WORKING_GROUP,
        "General Data Protection Regulation Working Group",
        "Groupe de travail sur le Règlement général sur la protection des données",
        "privacy-sub-committee",
        ["pscioc"],
        ["digital-identity"],
        S.ACTIVE,
        D(2018, 3, 1),
        D(2027, 3, 31),
        D(2026, 12, 15),
        "Assess what the European GDPR means for Canadian public-sector services.",
        "Évaluer ce que le RGPD européen signifie pour les services du secteur public canadien.",
    ),
    (
        "identity-management-sub-committee",
        K.SUB_COMMITTEE,
        "Identity Management Sub-Committee",
        "Sous-comité sur la gestion de l'identité",
        None,
        ["pssdc", "pscioc"],
        ["digital-identity"],
        S.ACTIVE,
        D(2012, 6, 1),
        None,
        D(2027, 4, 1),
        "Steward the Pan-Canadian Trust Framework with the jurisdictions.",
        "Assurer l'intendance du Cadre pancanadien de confiance avec les administrations.",
    ),
    (
        "digital-identity-wg",
        K.WORKING_GROUP,
        "Digital Identity Working Group",
        "Groupe de travail sur l'identité numérique",
        None,
        ["pssdc", "pscioc"],
        ["digital-identity"],
        S.ACTIVE,
        D(2019, 2, 1),
        D(2028, 3, 31),
        D(2027, 3, 1),
        "Run digital identity pilots and prepare the roll-out of digital identity programmes.",
        "Mener des projets pilotes d'identité numérique et préparer la mise en place de programmes d'identité numérique.",
    ),
    (
        "data-driven-insights",
        K.WORKING_GROUP,
        "Data-Driven Insights Group",
        "Groupe des renseignements fondés sur les données",
        None,
        ["pscioc"],
        ["digital-strategy"],
        S.ACTIVE,
        D(2019, 1, 1),
        D(2027, 12, 31),
        D(2027, 1, 31),
        "Use service data to improve decisions about services.",
        "",
    ),
    (
        "business-services",
        K.WORKING_GROUP,
        "Business Services Group",
        "Groupe des services aux entreprises",
        None,
        ["pssdc"],
        ["client-centred-service"],
        S.ACTIVE,
        D(2018, 9, 1),
        D(2027, 9, 30),
        D(2027, 1, 31),
        "Simplify how businesses deal with governments across jurisdictions.",
        "Simplifier les relations des entreprises avec les administrations publiques.",
    ),
]

OS = Objective.Status
# group slug, kind, English, French, priority, due, status
OBJECTIVES = [
    (
        "digital-strategy-wg",
        "deliverable",
        "Inventory of jurisdictions' digital strategies",
        "Inventaire des stratégies numériques des administrations",
        "digital-strategy",
        D(2025, 12, 15),
        OS.DONE,
    ),
    (
        "digital-strategy-wg",
        "deliverable",
        "Final report and hand-over to the councils",
        "Rapport final et transfert aux conseils",
        "digital-strategy",
        D(2027, 2, 28),
        OS.ON_TRACK,
    ),
    (
        "client-centred-service-wg",
        "deliverable",
        "Client journey maps for three life events",
        "Cartes du parcours client pour trois événements de la vie",
        "client-centred-service",
        D(2026, 10, 31),
        OS.AT_RISK,
    ),
    (
        "client-centred-service-wg",
        "deliverable",
        "Guide to co-designing services with citizens",
        "Guide de conception conjointe des services avec les citoyens",
        "client-centred-service",
        D(2026, 12, 20),
        OS.ON_TRACK,
    ),
    (
        "client-centred-service-wg",
        "objective",
        "Common client satisfaction questions",
        "Questions communes sur la satisfaction des clients",
        "client-centred-service",
        D(2027, 5, 31),
        OS.NOT_STARTED,
    ),
    (
        "open-government-wg",
        "deliverable",
        "Open data inventory shared by all jurisdictions",
        "Inventaire des données ouvertes commun à toutes les administrations",
        "digital-strategy",
        D(2026, 6, 30),
        OS.DONE,
    ),
    (
        "open-government-wg",
        "deliverable",
        "Open government practices report",
        "Rapport sur les pratiques de gouvernement ouvert",
        "digital-strategy",
        D(2026, 9, 30),
        OS.DONE,
    ),
    (
        "privacy-sub-committee",
        "objective",
        "Privacy guidance for the digital-identity pilots",
        "Orientation sur la protection des renseignements personnels pour les projets pilotes "
        "d'identité numérique",
        "digital-identity",
        D(2027, 3, 31),
        OS.ON_TRACK,
    ),
    (
        "gdpr-wg",
        "deliverable",
        "GDPR impact assessment for public services",
        "Évaluation de l'incidence du RGPD sur les services publics",
        "digital-identity",
        D(2026, 11, 30),
        OS.ON_TRACK,
    ),
    (
        "digital-identity-wg",
        "deliverable",
        "Digital identity pilot in two jurisdictions",
        "Projet pilote d'identité numérique dans deux administrations",
        "digital-identity",
        D(2026, 12, 1),
        OS.ON_TRACK,
    ),
    (
        "digital-identity-wg",
        "objective",
        "Pan-Canadian Trust Framework adoption plan",
        "Plan d'adoption du Cadre pancanadien de confiance",
        "digital-identity",
        D(2027, 6, 30),
        OS.NOT_STARTED,
    ),
    (
        "identity-management-sub-committee",
        "objective",
        "Trust Framework version 2 assessment",
        "Évaluation de la version 2 du Cadre de confiance",
        "digital-identity",
        D(2027, 3, 31),
        OS.ON_TRACK,
    ),
    (
        "data-driven-insights",
        "deliverable",
        "Service performance indicators shared across jurisdictions",
        "Indicateurs de rendement des services communs aux administrations",
        "digital-strategy",
        D(2027, 1, 31),
        OS.ON_TRACK,
    ),
    (
        "data-driven-insights",
        "objective",
        "Data sharing agreement template",
        "",
        None,
        None,
        OS.NOT_STARTED,
    ),
    (
        "business-services",
        "deliverable",
        "Single business number adoption report",
        "Rapport sur l'adoption du numéro d'entreprise unique",
        "client-centred-service",
        D(2026, 11, 15),
        OS.AT_RISK,
    ),
]

R = GroupMembership.Role
# username, group slug, role, council (for representatives)
GROUP_ROLES = [
    ("groupchair", "client-centred-service-wg", R.CO_CHAIR, None),
    ("groupchair", "digital-identity-wg", R.CO_CHAIR, None),
    ("cochair2.pscioc", "digital-identity-wg", R.REPRESENTATIVE, "pscioc"),
    ("cochair2.pssdc", "digital-strategy-wg", R.CO_CHAIR, None),
    ("cochair2.pscioc", "open-government-wg", R.CO_CHAIR, None),
    ("cochair.pscioc", "gdpr-wg", R.REPRESENTATIVE, "pscioc"),
    ("member", "business-services", R.CO_CHAIR, None),
    ("member", "digital-identity-wg", R.MEMBER, None),
    ("cdo.guest", "data-driven-insights", R.CO_CHAIR, None),
]


def load(ctx):
    councils, priorities, users = ctx["councils"], ctx["priorities"], ctx["users"]
    groups = {}
    for (
        slug,
        kind,
        en,
        fr,
        parent,
        council_codes,
        priority_codes,
        status,
        start,
        end,
        review,
        mandate_en,
        mandate_fr,
    ) in GROUPS:
        group, _ = upsert(
            Group,
            {"slug": slug},
            {
                "kind": kind,
                "name_en": en,
                "name_fr": fr,
                "parent": groups.get(parent),
                "status": status,
                "start_date": start,
                "end_date": end,
                "next_review_date": review,
                "mandate_en": mandate_en,
                "mandate_fr": mandate_fr,
            },
        )
        group.councils.set([councils[c] for c in council_codes])
        group.priorities.set([priorities[p] for p in priority_codes])
        groups[slug] = group
    for slug, kind, en, fr, priority, due, status in OBJECTIVES:
        upsert(
            Objective,
            {"group": groups[slug], "title_en": en},
            {
                "kind": kind,
                "title_fr": fr,
                "priority": priorities.get(priority),
                "due_date": due,
                "status": status,
                "completed_on": due if status == OS.DONE else None,
            },
        )
    for username, slug, role, council in GROUP_ROLES:
        upsert(
            GroupMembership,
            {"user": users[username], "group": groups[slug], "role": role},
            {"council": councils.get(council), "start_date": D(2019, 4, 1), "end_date": None},
        )
    load_terms(ctx, groups)
    ctx["groups"] = groups
    load_mandates(ctx)
    load_workplans(ctx)
    load_reviews_and_links(ctx)
    load_progress(ctx)
    # The meeting of 27 February 2020 and the external bodies (councils), then its measures,
    # which concern these groups.
    from councils import demo_meetings

    demo_meetings.load(ctx)
    load_measures(ctx)
    load_check_in(ctx)
    return ctx


# The deck's first next step: the council co-chairs meet the co-chairs of each set of working
# groups to go over their status. The demo holds the one for the identity groups (measure 4:
# clarify the link between Digital Identity and the Identity Management Sub-Committee).
CHECK_IN_GROUPS = ["digital-identity-wg", "identity-management-sub-committee"]
CHECK_IN_ATTENDEES = [
    ("cochair.pssdc", "co_chair"),
    ("cochair.pscioc", "co_chair"),
    ("groupchair", "co_chair"),
    ("secretariat", "secretariat"),
]
CHECK_IN_AGENDA = [
    (
        1,
        "Status of each group: objectives, late items, liaison and next review",
        "État de chaque groupe : objectifs, retards, liaison et prochain examen",
    ),
    (
        2,
        "The link between Digital Identity and the Identity Management Sub-Committee (measure 4)",
        "Le lien entre l'identité numérique et le Sous-comité de la gestion de l'identité "
        "(mesure 4)",
    ),
    (
        3,
        "Workplans for the councils' 2–3 year strategic plan",
        "Plans de travail pour le plan stratégique de 2 à 3 ans des conseils",
    ),
]


def load_check_in(ctx):
    """One co-chairs' check-in for the identity groups, planned, with its groups, attendees
    and agenda. Loading twice changes nothing (looked up by its English title)."""
    councils, users, groups = ctx["councils"], ctx["users"], ctx["groups"]
    meeting, _ = upsert(
        Meeting,
        {"title_en": "Co-chairs' check-in: identity groups"},
        {
            "kind": Meeting.Kind.CHECK_IN,
            "title_fr": "Rencontre des coprésidents : groupes sur l'identité",
            "starts_at": datetime.datetime(2027, 1, 21, 14, tzinfo=TORONTO),
            "ends_at": datetime.datetime(2027, 1, 21, 15, tzinfo=TORONTO),
            "location_en": "By videoconference",
            "location_fr": "Par vidéoconférence",
            "status": Meeting.Status.PLANNED,
            "context_en": (
                "The first next step of the 27 February 2020 meeting: the council co-chairs meet "
                "the co-chairs of each set of working groups to discuss their status."
            ),
            "context_fr": (
                "Première étape de la réunion du 27 février 2020 : les coprésidents des conseils "
                "rencontrent les coprésidents de chaque ensemble de groupes de travail pour "
                "faire le point sur leur état d'avancement."
            ),
        },
    )
    meeting.councils.set([councils["pssdc"], councils["pscioc"]])
    meeting.check_in_groups.set([groups[slug] for slug in CHECK_IN_GROUPS])
    for order, en, fr in CHECK_IN_AGENDA:
        upsert(AgendaItem, {"meeting": meeting, "order": order}, {"title_en": en, "title_fr": fr})
    for username, role in CHECK_IN_ATTENDEES:
        user = users[username]
        upsert(
            Attendee,
            {"meeting": meeting, "user": user},
            {"role": role},
        )
    ctx["check_in"] = meeting


def load_terms(ctx, groups):
    """A past term (with the reason it ended) and a term ending within 30 days, so that the
    secretariat's pages and reminders show both. The second is dated from today."""
    users = ctx["users"]
    upsert(
        GroupMembership,
        {
            "user": users["cochair.pssdc"],
            "group": groups["data-driven-insights"],
            "role": R.MEMBER,
        },
        {
            "start_date": D(2019, 4, 1),
            "end_date": D(2025, 3, 31),
            "change_reason": "Term completed; now co-chairs PSSDC.",
        },
    )
    upsert(
        GroupMembership,
        {"user": users["cdo.guest"], "group": groups["digital-strategy-wg"], "role": R.MEMBER},
        {
            "start_date": D(2024, 4, 1),
            "end_date": timezone.localdate() + datetime.timedelta(days=25),
        },
    )


# The Client-Centred Service WG's mandate as first adopted; the seed's text above is its
# revision of January 2026 (version 2), made when the councils set its final deliverables.
FIRST_MANDATE = {
    "client-centred-service-wg": (
        "Map the client journey for life events and share practices of working with citizens.",
        "Cartographier le parcours client lors d'événements de la vie et échanger les "
        "pratiques de collaboration avec les citoyens.",
        "The councils asked for a common approach to service design as the final deliverable.",
    ),
}


def load_mandates(ctx):
    """Each group's first version dated from its start; one group's mandate revised once, with
    who and why. Runs again without changing anything (versions are made once)."""
    groups, secretariat = ctx["groups"], ctx["users"]["secretariat"]
    for slug, group in groups.items():
        first = group.mandate_versions.order_by("number").first()
        if first is None or first.by_id is not None or first.number != 1:
            continue
        if group.mandate_versions.count() > 1:
            continue
        start = group.start_date or D(2019, 4, 1)
        first.at = timezone.make_aware(datetime.datetime.combine(start, datetime.time(9)))
        first.origin = MandateVersion.Origin.CREATED
        if slug in FIRST_MANDATE:
            first.mandate_en, first.mandate_fr, reason = FIRST_MANDATE[slug]
            first.save()
            MandateVersion.objects.create(
                group=group,
                number=2,
                mandate_en=group.mandate_en,
                mandate_fr=group.mandate_fr,
                origin=MandateVersion.Origin.EDITED,
                reason=reason,
                by=secretariat,
                at=timezone.make_aware(datetime.datetime(2026, 1, 20, 10)),
            )
        else:
            first.save()


MT = Measure.Type
# number, type, groups, owner, due, English, French
MEASURES = [
    (
        1,
        MT.DISSOLVE,
        ["digital-strategy-wg"],
        "cochair2.pssdc",
        D(2027, 3, 31),
        "Progressively dissolve the Digital Strategy Working Group",
        "Dissoudre progressivement le groupe de travail sur la stratégie numérique",
    ),
    (
        2,
        MT.DISSOLVE,
        ["client-centred-service-wg"],
        "cochair.pssdc",
        D(2027, 6, 30),
        "Progressively dissolve the Client-Centred Service Working Group once its final "
        "deliverables are delivered (or turn it into a community of practice)",
        "Dissoudre progressivement le groupe de travail sur les services centrés sur le client "
        "après la réalisation de ses livrables définitifs (ou en faire une communauté de pratique)",
    ),
    (
        3,
        MT.CONVERT_TO_COP,
        ["open-government-wg", "gdpr-wg"],
        "secretariat",
        D(2027, 3, 31),
        "Convert the Open Government Working Group and the GDPR Working Group of the Privacy "
        "Sub-Committee into communities of practice",
        "Conversion en communautés de pratique du groupe de travail sur le gouvernement ouvert et "
        "du groupe de travail sur le Règlement général sur la protection des données du "
        "Sous-comité sur la protection des renseignements personnels",
    ),
    (
        4,
        MT.CLARIFY_RELATIONSHIP,
        ["digital-identity-wg", "identity-management-sub-committee"],
        "cochair.pscioc",
        D(2027, 1, 31),
        "Clarify the link between Digital Identity and the Identity Management Sub-Committee",
        "Clarifier le lien entre l'Identité numérique et le Sous-comité sur la gestion de "
        "l'identité",
    ),
    (
        5,
        MT.REPORT_TO_COUNCILS,
        ["data-driven-insights", "business-services"],
        "secretariat",
        D(2027, 2, 25),
        "Have the Data-Driven Insights group and the Business Services group report their "
        "activities to the councils, so PSSDC and PSCIOC can each focus on what concerns them",
        "Que les groupes des renseignements fondés sur les données et des services aux "
        "entreprises rendent compte de leurs activités aux CM pour permettre au CPSSP et au "
        "CDPISP de se concentrer sur les aspects d'un intérêt particulier pour leur CM",
    ),
]


def load_measures(ctx):
    groups, users, meeting = ctx["groups"], ctx["users"], ctx["meeting_2020"]
    for number, kind, slugs, owner, due, en, fr in MEASURES:
        measure, _created = upsert(
            Measure,
            {"meeting": meeting, "number": number},
            {"type": kind, "title_en": en, "title_fr": fr, "owner": users[owner], "due_date": due},
        )
        for slug in slugs:
            upsert(MeasureGroup, {"measure": measure, "group": groups[slug]}, {})


# Groups with an accepted workplan for the current fiscal year (Data-Driven Insights has none:
# the health page shows it).
WORKPLAN_GROUPS = [
    "digital-strategy-wg",
    "client-centred-service-wg",
    "open-government-wg",
    "gdpr-wg",
    "digital-identity-wg",
    "business-services",
    "identity-management-sub-committee",
]
WP_START, WP_END = D(2026, 4, 1), D(2027, 3, 31)


def _stamp(day):
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)


def load_workplans(ctx):
    groups, users = ctx["groups"], ctx["users"]
    chairs = {slug: users[u] for u, slug, role, _ in GROUP_ROLES if role == R.CO_CHAIR}
    for slug in WORKPLAN_GROUPS:
        group = groups[slug]
        version = 1
        if slug == "digital-identity-wg":
            # An earlier year's workplan, superseded by this year's: versions to compare.
            previous, _ = upsert(
                Workplan,
                {"group": group, "version": 1},
                {
                    "period_start": D(2025, 4, 1),
                    "period_end": D(2026, 3, 31),
                    "due_date": D(2025, 3, 15),
                    "status": Workplan.Status.SUPERSEDED,
                    "summary_en": "First workplan: prepare the digital identity pilots.",
                    "summary_fr": "Premier plan de travail : préparer les projets pilotes d'identité numérique.",
                    "submitted_at": _stamp(D(2025, 3, 10)),
                    "submitted_by": chairs.get(slug, users["secretariat"]),
                    "reviewed_at": _stamp(D(2025, 4, 2)),
                    "reviewed_by": users["secretariat"],
                },
            )
            upsert(
                WorkplanItem,
                {"workplan": previous, "title_en": "Choose two pilot jurisdictions"},
                {
                    "title_fr": "Choisir deux administrations pilotes",
                    "kind": Objective.Kind.OBJECTIVE,
                    "priority": ctx["priorities"]["digital-identity"],
                    "due_date": D(2025, 9, 30),
                },
            )
            version = 2
        workplan, _ = upsert(
            Workplan,
            {"group": group, "version": version},
            {
                "period_start": WP_START,
                "period_end": WP_END,
                "due_date": D(2026, 3, 15),
                "status": Workplan.Status.ACCEPTED,
                "summary_en": f"Workplan {WP_START.year}-{WP_END.year % 100:02d} of the {group.name_en}.",
                "summary_fr": f"Plan de travail {WP_START.year}-{WP_END.year} : {group.name_fr}.",
                "submitted_at": _stamp(D(2026, 3, 12)),
                "submitted_by": chairs.get(slug, users["secretariat"]),
                "reviewed_at": _stamp(D(2026, 4, 8)),
                "reviewed_by": users["secretariat"],
            },
        )
        for objective in group.objectives.all():
            upsert(
                WorkplanItem,
                {"workplan": workplan, "objective": objective},
                {
                    "kind": objective.kind,
                    "title_en": objective.title_en,
                    "title_fr": objective.title_fr,
                    "priority": objective.priority,
                    "due_date": objective.due_date,
                },
            )

    # A revision waiting for the secretariat's review, and a first workplan still in draft
    # past its due date (both shown on the health page and on the home pages).
    revision, _ = upsert(
        Workplan,
        {"group": groups["business-services"], "version": 2},
        {
            "period_start": WP_START,
            "period_end": WP_END,
            "due_date": D(2026, 11, 30),
            "status": Workplan.Status.SUBMITTED,
            "summary_en": "Revised to add a joint business registration pilot.",
            "summary_fr": "Révisé pour ajouter un projet pilote d'inscription commune des entreprises.",
            "submitted_at": _stamp(D(2026, 11, 16)),
            "submitted_by": users["member"],
        },
    )
    for objective in groups["business-services"].objectives.all():
        upsert(
            WorkplanItem,
            {"workplan": revision, "objective": objective},
            {
                "kind": objective.kind,
                "title_en": objective.title_en,
                "title_fr": objective.title_fr,
                "priority": objective.priority,
                "due_date": D(2027, 1, 31),
            },
        )
    upsert(
        WorkplanItem,
        {"workplan": revision, "title_en": "Joint business registration pilot"},
        {
            "title_fr": "Projet pilote d'inscription commune des entreprises",
            "kind": Objective.Kind.DELIVERABLE,
            "priority": ctx["priorities"]["client-centred-service"],
            "due_date": D(2027, 3, 15),
        },
    )
    upsert(
        Workplan,
        {"group": groups["data-driven-insights"], "version": 1},
        {
            "period_start": WP_START,
            "period_end": WP_END,
            "due_date": D(2026, 10, 31),
            "status": Workplan.Status.DRAFT,
            "summary_en": "",
            "summary_fr": "",
        },
    )


def load_reviews_and_links(ctx):
    groups, users = ctx["groups"], ctx["users"]
    upsert(
        MandateReview,
        {"group": groups["open-government-wg"], "review_date": D(2025, 12, 15)},
        {
            "kind": MandateReview.Kind.MANDATE,
            "outcome": MandateReview.Outcome.CONVERT_TO_COP,
            "notes_en": "Its deliverables are done; members want to keep sharing practices.",
            "notes_fr": "Ses livrables sont réalisés; les membres veulent continuer d'échanger leurs pratiques.",
            "next_review_date": D(2026, 12, 15),
            "recorded_by": users["secretariat"],
        },
    )
    upsert(
        MandateReview,
        {"group": groups["client-centred-service-wg"], "review_date": D(2026, 2, 1)},
        {
            "kind": MandateReview.Kind.MANDATE,
            "outcome": MandateReview.Outcome.ALIGNED,
            "notes_en": "Aligned with the client-centred service priority until its final deliverables.",
            "notes_fr": "Conforme à la priorité du service centré sur le client jusqu'à ses livrables définitifs.",
            "next_review_date": D(2027, 2, 1),
            "recorded_by": users["secretariat"],
            "mandate_version": groups["client-centred-service-wg"]
            .mandate_versions.order_by("-number")
            .first(),
        },
    )
    for one, two, en, fr in [
        (
            "digital-identity-wg",
            "identity-management-sub-committee",
            "Measure 4: clarify who leads on the Pan-Canadian Trust Framework.",
            "Mesure 4 : préciser qui dirige les travaux sur le Cadre pancanadien de confiance.",
        ),
        (
            "digital-strategy-wg",
            "data-driven-insights",
            "Shared service performance indicators feed the digital strategies.",
            "Les indicateurs de rendement communs alimentent les stratégies numériques.",
        ),
    ]:
        a, b = sorted([groups[one], groups[two]], key=lambda g: g.pk)
        upsert(
            GroupLink,
            {"group_a": a, "group_b": b},
            {"note_en": en, "note_fr": fr, "created_by": users["secretariat"]},
        )


# --- Progress: dated objective updates and one filed report per group -----------------------
# (English note, French note) for an objective's first update, and for its last one by status.
STARTED_NOTE = (
    "Work started: the co-chairs agreed the approach and the first steps with the members.",
    "Travaux amorcés : les coprésidences ont convenu de l'approche et des premières étapes avec "
    "les membres.",
)
LAST_NOTES = {
    OS.DONE: (
        "Delivered and shared with both councils.",
        "Livré et communiqué aux deux conseils.",
    ),
    OS.AT_RISK: (
        "At risk: two jurisdictions have not yet confirmed their participation.",
        "À risque : deux administrations n'ont pas encore confirmé leur participation.",
    ),
    OS.ON_TRACK: (
        "On track: the draft is under review by the members.",
        "En bonne voie : l'ébauche est à l'étude par les membres.",
    ),
    OS.CANCELLED: (
        "Cancelled: the councils folded this work into another group's.",
        "Annulé : les conseils ont intégré ces travaux à ceux d'un autre groupe.",
    ),
}
REBASELINED_GROUP = "digital-identity-wg"
REBASELINE_REASON = "The pilot jurisdictions asked for one more quarter to complete their testing."
REPORT_NARRATIVE = (
    "The group met monthly. Its objectives are confirmed below; the co-chairs will report the "
    "next steps to both councils.",
    "Le groupe s'est réuni chaque mois. Ses objectifs sont confirmés ci-dessous; les coprésidences "
    "feront état des prochaines étapes aux deux conseils.",
)


def _update(objective, by, day, old, new, note, **extra):
    upsert(
        ObjectiveUpdate,
        {"objective": objective, "at": _stamp(day)},
        {
            "by": by,
            "old_status": old,
            "new_status": new,
            "note_en": note[0],
            "note_fr": note[1],
            **extra,
        },
    )


def load_progress(ctx):
    """A few dated updates per objective (so timelines show history), one re-baselined
    deadline, and a filed progress report of each reporting group for the last period due."""
    from . import progress

    groups, users = ctx["groups"], ctx["users"]
    chairs = {slug: users[u] for u, slug, role, _ in GROUP_ROLES if role == R.CO_CHAIR}
    secretariat = users["secretariat"]
    by_group = {}
    for objective in Objective.objects.filter(group__in=groups.values()).order_by("due_date", "pk"):
        by_group.setdefault(objective.group_id, []).append(objective)
    slugs = {g.pk: slug for slug, g in groups.items()}
    for group_id, objectives in by_group.items():
        slug = slugs[group_id]
        by = chairs.get(slug, secretariat)
        for objective in objectives[:3]:
            if objective.status == OS.DONE and objective.completed_on:
                last = objective.completed_on
            else:
                last = D(2026, 10, 15)
            first = last - datetime.timedelta(days=75)
            started = OS.ON_TRACK if objective.status != OS.NOT_STARTED else OS.NOT_STARTED
            _update(objective, by, first, OS.NOT_STARTED, started, STARTED_NOTE)
            if objective.status in LAST_NOTES:
                _update(
                    objective,
                    by,
                    last,
                    started,
                    objective.status,
                    LAST_NOTES[objective.status],
                    new_completed_on=objective.completed_on,
                )
        if slug == REBASELINED_GROUP:
            moved = next((o for o in objectives if o.due_date and o.status != OS.DONE), None)
            if moved:
                original = moved.due_date - datetime.timedelta(days=92)
                Objective.objects.filter(pk=moved.pk).update(original_due_date=original)
                _update(
                    moved,
                    by,
                    D(2026, 11, 20),
                    moved.status,
                    moved.status,
                    ("", ""),
                    old_due_date=original,
                    new_due_date=moved.due_date,
                    due_date_reason=REBASELINE_REASON,
                    due_date_reason_lang="en",
                )
    _load_reports(ctx, progress, chairs, secretariat)


def _load_reports(ctx, progress, chairs, secretariat):
    start, end = progress.last_due_period()
    slugs = {g.pk: slug for slug, g in ctx["groups"].items()}
    reporting = progress.reporting_groups(start, end).filter(pk__in=slugs)
    for index, group in enumerate(reporting.order_by("slug")):
        if ProgressReport.objects.filter(group=group, period_start=start).exists():
            continue  # filed once: its frozen snapshot is history, not demo data to refresh
        by = chairs.get(slugs[group.pk], secretariat)
        open_ids = sorted(group.objectives.open().values_list("pk", flat=True))
        submitted_at = _stamp(end + datetime.timedelta(days=10 + index))
        # The first group's report still waits on the secretariat; the others are acknowledged.
        acknowledged = index > 0
        report = ProgressReport(
            group=group,
            period_start=start,
            period_end=end,
            narrative_en=REPORT_NARRATIVE[0],
            narrative_fr=REPORT_NARRATIVE[1],
            confirmed=open_ids,
            status=ProgressReport.Status.ACKNOWLEDGED
            if acknowledged
            else ProgressReport.Status.SUBMITTED,
            snapshot=progress.snapshot_of(group, set(open_ids)),
            submitted_at=submitted_at,
            submitted_by=by,
            reviewed_at=submitted_at + datetime.timedelta(days=3) if acknowledged else None,
            reviewed_by=secretariat if acknowledged else None,
        )
        report.full_clean()
        report.save()
        ProgressReportStatusChange.objects.create(
            report=report,
            old_status=ProgressReport.Status.DRAFT,
            new_status=ProgressReport.Status.SUBMITTED,
            by=by,
            at=submitted_at,
        )
        if acknowledged:
            ProgressReportStatusChange.objects.create(
                report=report,
                old_status=ProgressReport.Status.SUBMITTED,
                new_status=ProgressReport.Status.ACKNOWLEDGED,
                by=secretariat,
                at=report.reviewed_at,
            )
