from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """A strict CSP: no inline scripts anywhere, no third-party origins (closed networks).

    The Django admin writes a few inline `style` attributes, so only there are inline styles
    allowed; scripts stay 'self' everywhere.
    """

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'{style_extra}; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'{form_extra}; frame-ancestors 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/admin/"

    def __call__(self, request):
        response = self.get_response(request)
        in_admin = self.admin_prefix in request.path
        # Sign-out may continue to a single sign-on provider (settings.PORTAL_CSP_FORM_ACTION).
        form_extra = "".join(f" {origin}" for origin in settings.PORTAL_CSP_FORM_ACTION)
        policy = self.POLICY.format(
            style_extra=" 'unsafe-inline'" if in_admin else "", form_extra=form_extra
        )
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class OddParametersMiddleware:
    """Answer 400 to a query string carrying NUL bytes or other control characters.

    PostgreSQL refuses NUL in text ("A string literal cannot contain NUL"), so any page that
    filtered on such a value answered 500; no person types these, so refusing them up front
    fixes the class for every page at once (see core/params.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import HttpResponseBadRequest

        from .params import has_odd_characters

        for key, values in request.GET.lists():
            if has_odd_characters(key) or any(has_odd_characters(v) for v in values):
                return HttpResponseBadRequest(
                    "Bad request: the address contains control characters.",
                    content_type="text/plain; charset=utf-8",
                )
        return self.get_response(request)
