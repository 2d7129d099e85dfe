"""The person's API tokens page (under their account): make a token (shown once), revoke one
after a confirmation. Everyone signed in may have tokens; what a token reads is what its
person's pages show (api.visibility)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import ApiTokenForm
from .models import ApiToken
from .services import api_token_create, api_token_revoke


def _page(request, form, *, new_token=None, status=200):
    tokens = ApiToken.objects.filter(user=request.user)
    context = {"tokens": tokens, "form": form, "new_token": new_token}
    response = render(request, "api/tokens.html", context, status=status)
    if new_token:
        # The secret is in this response only: not in a browser's or a proxy's cache either.
        add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
def token_list(request):
    if request.method == "GET":
        return _page(request, ApiTokenForm())
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form)
    token, raw = api_token_create(user=request.user, name=form.cleaned_data["name"])
    messages.success(
        request,
        _("Your token “%(name)s” is ready. Copy it now: it will not be shown again.")
        % {"name": token.name},
    )
    # 201 with the page, not a redirect: the token is shown in this response only and stored
    # nowhere (not in the session), so no later visit can reveal it.
    return _page(request, ApiTokenForm(), new_token=raw, status=201)


@require_http_methods(["GET", "POST"])
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if token.is_revoked:
        messages.info(request, _("This token was already revoked."))
        return redirect("api_tokens:list")
    if request.method == "GET":
        return render(request, "api/token_revoke.html", {"token": token})
    api_token_revoke(token=token, by=request.user)
    messages.success(
        request,
        _("The token “%(name)s” is revoked: calls with it are refused.") % {"name": token.name},
    )
    return redirect("api_tokens:list")
