"""`Authorization: Bearer <token>`: a personal API token (api.models.ApiToken)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .services import note_use, token_for


class BearerTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None  # no token: the session, or an anonymous caller
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as “Authorization: Bearer <token>”.")
            )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raw = ""
        token = token_for(raw)
        if token is None:
            # Unknown and revoked tokens get the same answer: a caller learns nothing.
            raise exceptions.AuthenticationFailed(_("This token is not valid or was revoked."))
        note_use(token)
        return token.user, token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to a call whose token was refused.
        return 'Bearer realm="api"'
