"""Writes of personal API tokens: make one (the secret is returned once, only its hash is
kept), revoke one, and note when one was last used."""

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from .models import ApiToken

# A token's last use is written at most this often: a busy integration does not write a row
# on every call.
LAST_USED_EVERY = datetime.timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name):
    """Make a token for `user`; returns (row, raw token). The raw token is stored nowhere."""
    raw = secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip(), token_hash=hash_token(raw), prefix=raw[:6])
    token.full_clean()
    token.save()
    return token, raw


@transaction.atomic
def api_token_revoke(*, token, by):
    """Revoke `token` (once: a second revoke keeps the first date). Only its owner does it."""
    row = ApiToken.objects.select_for_update().get(pk=token.pk, user=by)
    if row.revoked_at is None:
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
    return row


def token_for(raw):
    """The active token row for `raw` with its user, or None (unknown, revoked, or its person
    can no longer sign in)."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    return (
        ApiToken.objects.active()
        .select_related("user")
        .filter(token_hash=hash_token(raw), user__is_active=True)
        .first()
    )


def note_use(token):
    """Record that `token` was just used, at most once per LAST_USED_EVERY."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
