"""People-side objects for the cross-cutting tests (permission matrix, fuzzer, CSRF): an
invited person with the raw token of their link, a person about to leave and one who left."""

from django.utils import timezone

from councils.models import Jurisdiction
from councils.tests.factories import CouncilMembershipFactory, UserFactory
from people import mail, services


def build(**world):
    secretariat = world["secretariat"]
    jurisdiction = Jurisdiction.objects.create(
        code="nb", kind="provincial", name_en="New Brunswick", name_fr="Nouveau-Brunswick"
    )
    invited = services.person_invite(
        by=secretariat,
        first_name="Chloé",
        last_name="O'Brien",
        email="chloe.obrien@example.gc.ca",
        language="fr",
        jurisdiction=jurisdiction,
        title_en="Chief digital officer",
        role="council_member",
        council=world["council"],
    )
    token = mail.mint_token(services._new_invitation(person=invited, by=secretariat))
    leaving = UserFactory(username="leaving-person", first_name="Lee", last_name="Leaving")
    CouncilMembershipFactory(user=leaving, council=world["council"], role="member")
    former = UserFactory(username="former-person", first_name="Fran", last_name="Former")
    services.person_deactivate(
        person=former,
        by=secretariat,
        last_day=timezone.localdate(former.date_joined),
        reason="Retired.",
    )
    return {
        "invited_person": invited,
        "invitation_token": token,
        "leaving_person": leaving,
        "former_person": former,
    }
