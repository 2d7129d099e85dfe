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


class DataVersionsMiddleware:
    """Each request reads the data versions of core.cache at most once, in one round trip to
    the cache, however many cached parts its page shows (issue 17: three to eight round trips
    a page before), and all its parts are of one moment. A write the request commits replaces
    the versions and is read back at once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .cache import versions_read_once

        with versions_read_once():
            return self.get_response(request)


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


class AtomicWritesMiddleware:
    """Each state-changing request (any method but GET, HEAD, OPTIONS, TRACE) runs its view in
    one database transaction: an exception anywhere in the view, after a service has written,
    rolls every write of the request back (issue 14: removing a group link committed the
    deletion, then the view failed and answered 500).

    Why not `ATOMIC_REQUESTS`: it wraps reads too, which on SQLite (IMMEDIATE transactions)
    would take the write lock for every page view, and adds savepoint queries to every page.
    Placed last in MIDDLEWARE, so the CSRF, sign-in and throttling checks run before it.

    What runs after the commit stays outside: `transaction.on_commit(..., robust=True)`
    callbacks (outbox hand-over to Celery, the data-version bump in core/cache.py) run once
    the request's transaction commits, and their failure is logged, never a failed request.
    A view that must keep a write although it then raises (none today) opts out with
    `django.db.transaction.non_atomic_requests`. A lazy TemplateResponse is rendered inside
    the transaction, so a template error rolls back too; a 5xx answered without raising also
    rolls back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.db import DEFAULT_DB_ALIAS, transaction

        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return None
        if DEFAULT_DB_ALIAS in getattr(view_func, "_non_atomic_requests", set()):
            return None
        with transaction.atomic():
            response = view_func(request, *view_args, **view_kwargs)
            if response is None:
                raise ValueError(f"The view {view_func!r} returned None instead of a response.")
            if callable(getattr(response, "render", None)) and not response.is_rendered:
                response = response.render()
            if response.status_code >= 500:
                transaction.set_rollback(True)
        return response
