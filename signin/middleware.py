from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .flows import (
    NEEDS_SECOND_FACTOR_KEY,
    PASSWORD_REFUSED_KEY,
    begin_second_factor,
)


class SecondFactorMiddleware:
    """Stops a session that signed in by password but owes a second factor, or whose role
    must use single sign-on (marked by signals.check_password_sign_in). Costs nothing on other
    requests: two keys read from the session that authentication reads anyway."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.get(PASSWORD_REFUSED_KEY):
            logout(request)
            messages.error(
                request,
                _("Your role signs in with your organisation’s account, not a password."),
            )
            return redirect(settings.LOGIN_URL)
        if session.get(NEEDS_SECOND_FACTOR_KEY) and request.user.is_authenticated:
            user = request.user
            backend = session.get(BACKEND_SESSION_KEY, "")
            next_url = request.get_full_path() if request.method == "GET" else ""
            logout(request)  # a new, empty session: the password step is all they passed
            response = begin_second_factor(request, user, next_url, backend)
            return response or redirect(settings.LOGIN_URL)
        return self.get_response(request)
