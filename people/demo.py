"""Demo people: one person invited and not yet signed in, one who left (deactivated, with
their memberships ended and the history of both). Idempotent: a second run changes nothing.
No e-mail is sent and no usable link exists: the secretariat can send a fresh one from the
person's page (in `make run` it is printed by the worker's console e-mail backend)."""

import datetime
import secrets

from django.contrib.auth import get_user_model
from django.utils import timezone

from core.upsert import upsert
from councils.models import CouncilMembership, Profile

from .models import Invitation, PersonEvent, hash_token

D = datetime.date
INVITED = ("elise.bouchard@councils.example", "Élise", "Bouchard", "qc", "fr", "pscioc")
LEFT = ("peter.morgan@councils.example", "Peter", "Morgan", "ns", "en", "pssdc")
LEFT_ON = D(2025, 6, 30)
LEFT_REASON = "Retired from the public service; Nova Scotia will name a new member."


def _person(ctx, email, first, last, jurisdiction, language, *, active):
    User = get_user_model()
    if not User.objects.filter(username=email).exists():
        person = User(username=email)
        person.set_unusable_password()  # an invited person chooses theirs from the link
        person.save()
    person, _ = upsert(
        User,
        {"username": email},
        {"first_name": first, "last_name": last, "email": email, "is_active": active},
    )
    upsert(
        Profile,
        {"user": person},
        {"jurisdiction": ctx["jurisdictions"].get(jurisdiction), "preferred_language": language},
    )
    return person


def load(ctx):
    secretariat = ctx["users"]["secretariat"]
    email, first, last, jurisdiction, language, council = INVITED
    invited = _person(ctx, email, first, last, jurisdiction, language, active=True)
    upsert(
        CouncilMembership,
        {"user": invited, "council": ctx["councils"][council], "role": "member"},
        {"jurisdiction": invited.profile.jurisdiction, "start_date": D(2026, 11, 2)},
    )
    if not invited.invitations.exists():
        now = timezone.now()
        PersonEvent.objects.create(person=invited, kind="invited", by=secretariat, at=now)
        Invitation.objects.create(
            person=invited,
            email=email,
            token_hash=hash_token(secrets.token_urlsafe(32)),  # the raw token is thrown away
            created_by=secretariat,
            created_at=now,
            expires_at=now + datetime.timedelta(days=7),
        )

    email, first, last, jurisdiction, language, council = LEFT
    left = _person(ctx, email, first, last, jurisdiction, language, active=False)
    upsert(
        CouncilMembership,
        {"user": left, "council": ctx["councils"][council], "role": "member"},
        {
            "jurisdiction": left.profile.jurisdiction,
            "start_date": D(2019, 4, 1),
            "end_date": LEFT_ON,
        },
    )
    if not left.person_events.exists():
        PersonEvent.objects.create(
            person=left,
            kind="deactivated",
            on_date=LEFT_ON,
            reason=LEFT_REASON,
            by=secretariat,
            at=timezone.make_aware(datetime.datetime(2025, 7, 2, 10, 0)),
            ended_memberships=1,
        )
    return ctx
