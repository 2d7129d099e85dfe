"""The seed's world, part 1: jurisdictions, the two councils, the three priorities, the
jurisdictions' declared priorities, and one demo person per role."""

import datetime

from django.contrib.auth import get_user_model

from core.upsert import upsert

from .models import (
    CitizenOutcome,
    Council,
    CouncilMembership,
    Jurisdiction,
    JurisdictionPriority,
    Priority,
    Profile,
)

DEMO_PASSWORD = "demo-Councils-2020"  # noqa: S105 - documented demo password, DEBUG only

J = Jurisdiction.Kind
JURISDICTIONS = [
    ("ca", J.FEDERAL, "Government of Canada", "Gouvernement du Canada", "GC", "GC"),
    ("nl", J.PROVINCIAL, "Newfoundland and Labrador", "Terre-Neuve-et-Labrador", "NL", "T.-N.-L."),
    ("pe", J.PROVINCIAL, "Prince Edward Island", "Île-du-Prince-Édouard", "PE", "Î.-P.-É."),
    ("ns", J.PROVINCIAL, "Nova Scotia", "Nouvelle-Écosse", "NS", "N.-É."),
    ("nb", J.PROVINCIAL, "New Brunswick", "Nouveau-Brunswick", "NB", "N.-B."),
    ("qc", J.PROVINCIAL, "Quebec", "Québec", "QC", "QC"),
    ("on", J.PROVINCIAL, "Ontario", "Ontario", "ON", "ON"),
    ("mb", J.PROVINCIAL, "Manitoba", "Manitoba", "MB", "MB"),
    ("sk", J.PROVINCIAL, "Saskatchewan", "Saskatchewan", "SK", "SK"),
    ("ab", J.PROVINCIAL, "Alberta", "Alberta", "AB", "AB"),
    ("bc", J.PROVINCIAL, "British Columbia", "Colombie-Britannique", "BC", "C.-B."),
    ("yt", J.TERRITORIAL, "Yukon", "Yukon", "YT", "YK"),
    ("nt", J.TERRITORIAL, "Northwest Territories", "Territoires du Nord-Ouest", "NT", "T.N.-O."),
    ("nu", J.TERRITORIAL, "Nunavut", "Nunavut", "NU", "NU"),
    (
        "misa",
        J.MUNICIPAL,
        "Municipal Information Systems Association of Canada",
        "Association des systèmes d'information municipaux du Canada",
        "MISA",
        "ASIM",
    ),
]

COUNCILS = [
    (
        "pssdc",
        "Public Sector Service Delivery Council",
        "Conseil de la prestation des services du secteur public",
        "PSSDC",
        "CPSSP",
        "Federal, provincial, territorial and municipal leaders of service delivery.",
        "Dirigeants fédéraux, provinciaux, territoriaux et municipaux de la prestation des services.",
    ),
    (
        "pscioc",
        "Public Sector Chief Information Officer Council",
        "Conseil des dirigeants principaux de l'information du secteur public",
        "PSCIOC",
        "CDPISP",
        "Federal, provincial, territorial and municipal chief information officers.",
        "Dirigeants principaux de l'information fédéraux, provinciaux, territoriaux et municipaux.",
    ),
]

PRIORITIES = [
    (
        "digital-strategy",
        1,
        "Digital strategy",
        "Stratégie numérique",
        "Digital transformation strategies and the services citizens use online.",
        "Stratégies de transformation numérique et services que la population utilise en ligne.",
        [
            ("Digital transformation strategies", "Stratégies de transformation numérique"),
            ("Online services", "Services en ligne"),
            ("Digital design", "Conception numérique"),
            ("Multi-channel experience", "Expérience multimodes"),
        ],
    ),
    (
        "client-centred-service",
        2,
        "Client-centred service",
        "Service centré sur le client",
        "Services designed around the people who use them.",
        "Des services conçus autour des personnes qui les utilisent.",
        [
            ("Understanding the client journey", "Compréhension du parcours du client"),
            (
                "Working with citizens to understand their needs",
                "Collaboration avec les citoyens pour mieux comprendre leurs besoins",
            ),
        ],
    ),
    (
        "digital-identity",
        3,
        "Digital identity",
        "Identité numérique",
        "Trusted digital identity for every Canadian, across jurisdictions.",
        "Une identité numérique de confiance pour tous, d'une administration à l'autre.",
        [
            ("Pan-Canadian Trust Framework", "Cadre pancanadien de confiance"),
            ("Digital identity pilot projects", "Projets pilotes d'identité numérique"),
            (
                "Rolling out digital identity programmes",
                "Mise en place de programmes d'identité numérique",
            ),
        ],
    ),
]

# (jurisdiction code, English, French, theme code or None)
DECLARED = [
    (
        "ca",
        "Digital government and the Digital Operations Strategic Plan",
        "Gouvernement numérique et Plan stratégique des opérations numériques",
        "digital-strategy",
    ),
    (
        "ca",
        "Service improvement driven by client feedback",
        "Amélioration des services fondée sur la rétroaction des clients",
        "client-centred-service",
    ),
    ("ca", "Trusted digital identity", "Identité numérique de confiance", "digital-identity"),
    ("on", "Digital-first services", "Services numériques d'abord", "digital-strategy"),
    (
        "on",
        "Customer experience measurement",
        "Mesure de l'expérience client",
        "client-centred-service",
    ),
    (
        "qc",
        "Transformation numérique gouvernementale",
        "Transformation numérique gouvernementale",
        "digital-strategy",
    ),
    (
        "qc",
        "Service québécois d'identité numérique",
        "Service québécois d'identité numérique",
        "digital-identity",
    ),
    (
        "bc",
        "Digital framework and online services",
        "Cadre numérique et services en ligne",
        "digital-strategy",
    ),
    (
        "bc",
        "BC Services Card digital identity",
        "Identité numérique de la carte des services de la C.-B.",
        "digital-identity",
    ),
    ("ab", "Client journey mapping", "Cartographie du parcours client", "client-centred-service"),
    (
        "sk",
        "Citizen-centred service design",
        "Conception de services axée sur les citoyens",
        "client-centred-service",
    ),
    (
        "mb",
        "Digital services transformation",
        "Transformation des services numériques",
        "digital-strategy",
    ),
    ("nb", "Digital identity pilot", "Projet pilote d'identité numérique", "digital-identity"),
    (
        "ns",
        "Service design with citizens",
        "Conception de services avec les citoyens",
        "client-centred-service",
    ),
    ("nl", "Cyber security modernisation", "Modernisation de la cybersécurité", None),
    (
        "nt",
        "Online services in remote communities",
        "Services en ligne dans les collectivités éloignées",
        "digital-strategy",
    ),
    ("misa", "Municipal online services", "Services municipaux en ligne", "digital-strategy"),
]

# username, first, last, jurisdiction, preferred language, title en, title fr
PEOPLE = [
    (
        "cochair.pssdc",
        "Danielle",
        "Tremblay",
        "ca",
        "en",
        "Assistant Deputy Minister, Service",
        "Sous-ministre adjointe, Services",
    ),
    (
        "cochair.pscioc",
        "Marc",
        "Gagnon",
        "qc",
        "fr",
        "Chief Information Officer",
        "Dirigeant principal de l'information",
    ),
    (
        "cochair2.pssdc",
        "Priya",
        "Sandhu",
        "bc",
        "en",
        "Deputy Minister, Citizens' Services",
        "Sous-ministre, Services aux citoyens",
    ),
    (
        "cochair2.pscioc",
        "Thomas",
        "Whitehorse",
        "yt",
        "en",
        "Chief Information Officer",
        "Dirigeant principal de l'information",
    ),
    (
        "secretariat",
        "Sophie",
        "Leblanc",
        "ca",
        "fr",
        "Secretariat lead",
        "Responsable du secrétariat",
    ),
    (
        "member",
        "Alex",
        "Roy",
        "nb",
        "fr",
        "Executive Director, Digital Services",
        "Directeur exécutif, Services numériques",
    ),
    (
        "groupchair",
        "Jordan",
        "Fraser",
        "on",
        "en",
        "Director, Service Design",
        "Directrice, Conception des services",
    ),
    (
        "cdo.guest",
        "Maya",
        "Chen",
        "ab",
        "en",
        "Chief Digital Officer",
        "Dirigeante principale du numérique",
    ),
    ("outsider", "Sam", "Taylor", None, "en", "Analyst", "Analyste"),
]

C = CouncilMembership.Role
SINCE = datetime.date(2019, 4, 1)
COUNCIL_ROLES = [
    ("cochair.pssdc", "pssdc", C.CO_CHAIR),
    ("cochair2.pssdc", "pssdc", C.CO_CHAIR),
    ("cochair.pscioc", "pscioc", C.CO_CHAIR),
    ("cochair2.pscioc", "pscioc", C.CO_CHAIR),
    ("secretariat", "pssdc", C.SECRETARIAT),
    ("secretariat", "pscioc", C.SECRETARIAT),
    ("member", "pssdc", C.MEMBER),
    ("member", "pscioc", C.MEMBER),
    ("groupchair", "pssdc", C.MEMBER),
    ("cdo.guest", "pscioc", C.GUEST),
]


def load(ctx, *, passwords=True):
    ctx["jurisdictions"] = {}
    for code, kind, en, fr, abbr_en, abbr_fr in JURISDICTIONS:
        ctx["jurisdictions"][code], _ = upsert(
            Jurisdiction,
            {"code": code},
            {
                "kind": kind,
                "name_en": en,
                "name_fr": fr,
                "abbreviation_en": abbr_en,
                "abbreviation_fr": abbr_fr,
            },
        )
    ctx["councils"] = {}
    for code, en, fr, acr_en, acr_fr, desc_en, desc_fr in COUNCILS:
        ctx["councils"][code], _ = upsert(
            Council,
            {"code": code},
            {
                "name_en": en,
                "name_fr": fr,
                "acronym_en": acr_en,
                "acronym_fr": acr_fr,
                "description_en": desc_en,
                "description_fr": desc_fr,
            },
        )
    ctx["priorities"] = {}
    for code, number, en, fr, desc_en, desc_fr, outcomes in PRIORITIES:
        priority, _ = upsert(
            Priority,
            {"code": code},
            {
                "number": number,
                "title_en": en,
                "title_fr": fr,
                "description_en": desc_en,
                "description_fr": desc_fr,
            },
        )
        priority.councils.set(ctx["councils"].values())
        for order, (out_en, out_fr) in enumerate(outcomes):
            upsert(
                CitizenOutcome,
                {"priority": priority, "order": order},
                {"text_en": out_en, "text_fr": out_fr},
            )
        ctx["priorities"][code] = priority
    for code, en, fr, theme in DECLARED:
        upsert(
            JurisdictionPriority,
            {"jurisdiction": ctx["jurisdictions"][code], "title_en": en},
            {"title_fr": fr, "theme": ctx["priorities"].get(theme)},
        )
    User = get_user_model()
    ctx["users"] = {}
    for username, first, last, jurisdiction, language, title_en, title_fr in PEOPLE:
        if not User.objects.filter(username=username).exists():
            User.objects.create_user(username=username, password=None)
        user, _ = upsert(
            User,
            {"username": username},
            {
                "first_name": first,
                "last_name": last,
                "email": f"{username}@councils.example",
                "is_staff": username == "secretariat",
                "is_superuser": username == "secretariat",
            },
        )
        if passwords and not user.check_password(DEMO_PASSWORD):  # check_password never saves
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        elif not passwords and user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        upsert(
            Profile,
            {"user": user},
            {
                "jurisdiction": ctx["jurisdictions"].get(jurisdiction),
                "preferred_language": language,
                "title_en": title_en,
                "title_fr": title_fr,
            },
        )
        ctx["users"][username] = user
    for username, council, role in COUNCIL_ROLES:
        user = ctx["users"][username]
        upsert(
            CouncilMembership,
            {"user": user, "council": ctx["councils"][council], "role": role},
            {"jurisdiction": user.profile.jurisdiction, "start_date": SINCE, "end_date": None},
        )
    return ctx
