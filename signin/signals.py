"""Every sign-in goes through the rules, even one that does not pass the portal's sign-in page
(the Django admin's form, a page that signs a person in after they set a password): a password
sign-in by someone whose role must use single sign-on, or who must pass a second factor, is
marked here and stopped by SecondFactorMiddleware at the next request."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .flows import NEEDS_SECOND_FACTOR_KEY, PASSWORD_REFUSED_KEY, needs_second_factor
from .oidc import BACKEND
from .rules import password_signin_allowed


@receiver(user_logged_in, dispatch_uid="signin-check-password-sign-in")
def check_password_sign_in(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is None or getattr(request, "_signin_checked", False):
        return
    if getattr(user, "backend", None) == BACKEND:
        return
    if not password_signin_allowed(user):
        session[PASSWORD_REFUSED_KEY] = True
    elif needs_second_factor(user):
        session[NEEDS_SECOND_FACTOR_KEY] = True
