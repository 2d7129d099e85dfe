"""Sign-in objects for the cross-cutting tests (permission matrix, fuzzer, CSRF): a person who
is not a persona (a persona with a second factor would be asked for it on every request),
with a single sign-on link and an authenticator app."""

from django.contrib.auth import get_user_model

from signin import services
from signin.models import SingleSignOnLink


def build(**world):
    person = get_user_model().objects.create_user(
        "sso-person", email="sso.person@dept.example", first_name="Sam", last_name="Sso"
    )
    link = SingleSignOnLink.objects.create(
        user=person, provider="testid", issuer="https://id.example", subject="sso-person"
    )
    services.totp_enrol(user=person, key=services.new_totp_key())
    return {"signin_person": person, "sso_link": link}
