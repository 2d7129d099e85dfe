"""The seed's meeting: the joint councils' meeting of 27 February 2020 (objectives, context,
next steps, the two discussion questions), a planned meeting, and the external bodies.

Called from the end of `workinggroups.demo.load` (the measures need the groups)."""

import datetime
import zoneinfo

from core.upsert import upsert

from .models import ActionItem, AgendaItem, Attendee, Engagement, ExternalBody, Meeting

TORONTO = zoneinfo.ZoneInfo("America/Toronto")
D = datetime.date


def _at(y, m, d, hh, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=TORONTO)


CONTEXT_EN = (
    "The co-chairs of the joint councils met in December 2019 to discuss how to make the group "
    "more effective. Key points: focus on fewer priorities, favouring those with positive "
    "outcomes for citizens; limit working groups to those whose priorities match the councils', "
    "that have set objectives and timelines, and that tackle challenges shared by several "
    "jurisdictions; work more effectively with external bodies (the FPT Deputy Ministers' Table, "
    "the CIO Strategy Council, etc.); a strategic plan will set clear objectives and align them "
    "with the working groups' results."
)
CONTEXT_FR = (
    "Les coprésidents des CM se sont rencontrés en décembre 2019 pour discuter des moyens de "
    "rendre le groupe plus efficace. Principaux éléments : se concentrer sur un nombre réduit de "
    "priorités, en privilégiant celles qui ont des répercussions positives pour les citoyens; "
    "limiter les groupes de travail à ceux dont les priorités concordent avec celles des CM, qui "
    "ont établi des objectifs et des échéanciers et qui s'attaquent à des défis touchant de "
    "multiples entités administratives; interagir plus efficacement avec les organes externes "
    "(Table des SM FPT, Conseil sur la stratégie du dirigeant principal de l'information, etc.); "
    "un plan stratégique permettra de déterminer clairement les objectifs et de les harmoniser "
    "avec les résultats des groupes de travail."
)

# order, kind, English, French
AGENDA_2020 = [
    (
        1,
        AgendaItem.Kind.OBJECTIVE,
        "Confirm the joint councils' priorities against the priorities of the jurisdictions",
        "Confirmer les priorités des conseils mixtes (CM) au regard des priorités des entités "
        "administratives",
    ),
    (
        2,
        AgendaItem.Kind.OBJECTIVE,
        "Confirm the organisational and process changes that will help achieve the priority "
        "results improving services to Canadians",
        "Confirmer les changements organisationnels et relatifs aux processus afin de faciliter "
        "l'atteinte des résultats prioritaires visant à améliorer les services à la population "
        "canadienne",
    ),
    (3, AgendaItem.Kind.OBJECTIVE, "Confirm the next steps", "Confirmer les prochaines étapes"),
    (
        4,
        AgendaItem.Kind.QUESTION,
        "Do the analysis and the recommendations reflect the strategic direction of the joint "
        "councils?",
        "L'analyse et les recommandations reflètent-elles l'orientation stratégique des CM?",
    ),
    (
        5,
        AgendaItem.Kind.QUESTION,
        "Are we focusing on what will make us better able to improve the services offered to "
        "Canadians?",
        "Nous concentrons-nous sur les aspects qui nous rendront plus aptes à améliorer les "
        "services offerts à la population canadienne?",
    ),
]

AGENDA_2027 = [
    (
        1,
        AgendaItem.Kind.ITEM,
        "Strategic plan: progress on the priority objectives",
        "Plan stratégique : progrès vers les objectifs prioritaires",
    ),
    (
        2,
        AgendaItem.Kind.ITEM,
        "Groups due for a dissolution or usefulness review",
        "Groupes dont l'examen de dissolution ou d'utilité est dû",
    ),
    (
        3,
        AgendaItem.Kind.ITEM,
        "Funding requests endorsed by the co-chairs",
        "Demandes de financement appuyées par les coprésidents",
    ),
]

# key, owner, due, status, English, French
NEXT_STEPS = [
    (
        "cochairs-meet-wg-cochairs",
        "cochair.pssdc",
        D(2020, 6, 30),
        ActionItem.Status.DONE,
        "Council co-chairs meet the co-chairs of each set of working groups to discuss status",
        "Les coprésidents des CM rencontrent les coprésidents de chaque ensemble de groupes de "
        "travail pour discuter de l'état de la situation",
    ),
    (
        "wgs-finish-workplans",
        "secretariat",
        D(2027, 1, 31),
        ActionItem.Status.IN_PROGRESS,
        "Working groups finish their workplans so the councils can write their two- to "
        "three-year strategic plans",
        "Les groupes de travail terminent leur plan de travail afin d'orienter les CM dans "
        "l'élaboration de leur plan stratégique de deux ou trois ans",
    ),
]

R = ExternalBody.Relationship
# slug, en, fr, acronym en, acronym fr, relationship, liaison, topics, description en, fr,
# engagement en, fr
EXTERNAL_BODIES = [
    (
        "fpt-dm-table",
        "FPT Deputy Ministers' Table on Service Delivery Collaboration",
        "Table des SM FPT sur la collaboration en matière de prestation de services",
        "FPT DM Table",
        "Table des SM FPT",
        R.FORMAL_PROPOSED,
        "cochair.pssdc",
        ["client-centred-service", "digital-strategy"],
        "Federal, provincial and territorial deputy ministers responsible for service delivery.",
        "Sous-ministres fédéraux, provinciaux et territoriaux responsables de la prestation des "
        "services.",
        "The deck proposes a more formal relationship to speed up the priorities.",
        "Le document propose d'établir une relation plus formelle pour accélérer la réalisation "
        "des priorités.",
    ),
    (
        "cio-strategy-council",
        "CIO Strategy Council",
        "Conseil sur la stratégie du dirigeant principal de l'information",
        "CIOSC",
        "CSDPI",
        R.FORMAL_PROPOSED,
        "cochair.pscioc",
        ["digital-identity", "digital-strategy"],
        "A pan-Canadian forum of chief information officers that develops standards.",
        "Forum pancanadien de dirigeants principaux de l'information qui élabore des normes.",
        "The deck proposes a more formal relationship with the CIO Strategy Council and other "
        "pan-Canadian tables.",
        "Le document propose une relation plus formelle avec le Conseil sur la stratégie du "
        "dirigeant principal de l'information et d'autres tables pancanadiennes.",
    ),
    (
        "iccs",
        "Institute for Citizen-Centred Service",
        "Institut des services axés sur les citoyens",
        "ICCS",
        "ISAC",
        R.INFORMAL,
        "secretariat",
        ["digital-identity", "client-centred-service"],
        "Its role could grow to strategic support of the council co-chairs, notably on digital "
        "identity.",
        "Son rôle pourrait être élargi pour fournir un soutien stratégique aux coprésidents des "
        "CM, notamment en matière d'identité numérique.",
        "The deck proposes to widen the Institute's role to strategic support of the co-chairs.",
        "Le document propose d'élargir le rôle de l'Institut au soutien stratégique des "
        "coprésidents.",
    ),
    (
        "chief-digital-officers",
        "Chief digital officers",
        "Dirigeants principaux du numérique",
        "CDOs",
        "DPN",
        R.INFORMAL,
        "cdo.guest",
        ["digital-strategy"],
        "Chief digital officers are encouraged to take part in the councils' discussions on "
        "emerging service challenges and solutions that could benefit every jurisdiction.",
        "Les dirigeants principaux du numérique sont encouragés à participer aux discussions des "
        "CM sur les nouveaux défis en matière de service et les solutions qui pourraient "
        "profiter à l'ensemble des entités administratives.",
        "Chief digital officers invited to take part in council discussions.",
        "Les dirigeants principaux du numérique sont invités à participer aux discussions des CM.",
    ),
]

# username, role
ATTENDEES_2020 = [
    ("cochair.pssdc", Attendee.Role.CO_CHAIR),
    ("cochair2.pssdc", Attendee.Role.CO_CHAIR),
    ("cochair.pscioc", Attendee.Role.CO_CHAIR),
    ("cochair2.pscioc", Attendee.Role.CO_CHAIR),
    ("secretariat", Attendee.Role.SECRETARIAT),
    ("member", Attendee.Role.MEMBER),
    ("groupchair", Attendee.Role.MEMBER),
    ("cdo.guest", Attendee.Role.GUEST),
]


def _agenda(meeting, rows):
    for order, kind, en, fr in rows:
        upsert(
            AgendaItem,
            {"meeting": meeting, "order": order},
            {"kind": kind, "title_en": en, "title_fr": fr},
        )


def load(ctx):
    councils, users, priorities = ctx["councils"], ctx["users"], ctx["priorities"]
    both = [councils["pssdc"], councils["pscioc"]]
    meeting, _ = upsert(
        Meeting,
        {"title_en": "Joint councils meeting: strategic orientation"},
        {
            "title_fr": "Réunion des conseils mixtes : orientation stratégique",
            "starts_at": _at(2020, 2, 27, 9),
            "ends_at": _at(2020, 2, 27, 12),
            "location_en": "Ottawa and by videoconference",
            "location_fr": "Ottawa et par vidéoconférence",
            "status": Meeting.Status.HELD,
            "context_en": CONTEXT_EN,
            "context_fr": CONTEXT_FR,
        },
    )
    meeting.councils.set(both)
    _agenda(meeting, AGENDA_2020)
    for username, role in ATTENDEES_2020:
        user = users[username]
        upsert(
            Attendee,
            {"meeting": meeting, "user": user},
            {
                "role": role,
                # Members sit for their jurisdiction: they make the quorum.
                "jurisdiction": user.profile.jurisdiction if role == Attendee.Role.MEMBER else None,
                "attendance": Attendee.Attendance.PRESENT,
                "organization": ("Chief digital officer" if username == "cdo.guest" else ""),
                "organization_lang": "en" if username == "cdo.guest" else "",
            },
        )
    for _key, owner, due, status, en, fr in NEXT_STEPS:
        upsert(
            ActionItem,
            {"meeting": meeting, "title_en": en},
            {
                "title_fr": fr,
                "owner": users[owner],
                "due_date": due,
                "status": status,
                "completed_on": due if status == ActionItem.Status.DONE else None,
            },
        )
    upcoming, _ = upsert(
        Meeting,
        {"title_en": "Joint councils meeting: winter 2027"},
        {
            "title_fr": "Réunion des conseils mixtes : hiver 2027",
            "starts_at": _at(2027, 2, 25, 13),
            "ends_at": _at(2027, 2, 25, 16),
            "location_en": "By videoconference",
            "location_fr": "Par vidéoconférence",
            "status": Meeting.Status.PLANNED,
        },
    )
    upcoming.councils.set(both)
    _agenda(upcoming, AGENDA_2027)
    for row in EXTERNAL_BODIES:
        slug, en, fr, acr_en, acr_fr, rel, liaison, topics, desc_en, desc_fr, eng_en, eng_fr = row
        body, _ = upsert(
            ExternalBody,
            {"slug": slug},
            {
                "name_en": en,
                "name_fr": fr,
                "acronym_en": acr_en,
                "acronym_fr": acr_fr,
                "relationship": rel,
                "liaison": users[liaison],
                "description_en": desc_en,
                "description_fr": desc_fr,
            },
        )
        body.topics.set([priorities[t] for t in topics])
        upsert(
            Engagement,
            {"external_body": body, "meeting": meeting},
            {
                "date": D(2020, 2, 27),
                "summary_en": eng_en,
                "summary_fr": eng_fr,
                "recorded_by": users["secretariat"],
            },
        )
    ctx["meeting_2020"] = meeting
    ctx["meetings"] = {"2020-02-27": meeting, "2027-02-25": upcoming}
    return ctx
