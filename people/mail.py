"""The people app's e-mails (invitations, new invitation links, password resets) go through
the portal's one durable outbox (notifications.services), like every other message: a web
request writes a row and never talks to the mail server; a worker sends it, with the same
retries, catch-up tick and "Messages not delivered" page as the funding notices.

Their single-use link is a secret, so it is never written to the outbox: the row records only
what to send (the kind, the invitation or the person, the language), and the worker makes the
link at send time, in the transaction that holds the row:

- an invitation: `prepare_invitation` mints a fresh token, stores only its hash on the
  invitation (and restarts its validity from now), and puts the raw token in the e-mail. A
  retry mints another one, replacing the hash: only the last link e-mailed works.
  Exactly once, as far as a mail server allows: the hash and `sent_at` commit together, after
  the send. A worker that dies after the mail server accepted the e-mail but before that
  commit leaves the row unsent and the old hash in place, so that e-mail's link never works;
  the retry e-mails a new link that does. The person may get two e-mails, the latest works.
- a password reset: `prepare_password_reset` builds the uid/token link with Django's
  default_token_generator (an HMAC over the account's state, nothing to store). Such a token
  is valid until PASSWORD_RESET_TIMEOUT or until the password changes, so a retry's link
  does not invalidate an earlier one; any of them works once.

A message no longer wanted at send time (the invitation was used, replaced or withdrawn, the
person left or has set a password meanwhile) is not sent: its row records why.
"""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from core.emails import language_of
from notifications import kinds
from notifications import services as outbox
from notifications.services import bilingual, in_both_languages

INVITATION = "people_invitation"
PASSWORD_RESET = "people_password_reset"  # noqa: S105 (a kind, not a password)


def mint_token(invitation) -> str:
    """A new link for `invitation`: its hash replaces the previous one (that link stops
    working) and the link is valid PORTAL_INVITATION_DAYS from now. Returns the raw token,
    which only the e-mail carries."""
    from .models import hash_token

    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(token)
    invitation.expires_at = timezone.now() + datetime.timedelta(
        days=settings.PORTAL_INVITATION_DAYS
    )
    invitation.save(update_fields=["token_hash", "expires_at"])
    return token


def prepare_invitation(reminder):
    """At send time: the invitation's link, minted now; only its hash is stored."""
    from .models import Invitation

    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("person", "created_by")
        .filter(pk=reminder.object_id)
        .first()
    )
    if invitation is None:
        return kinds.Skip("Not sent: the invitation no longer exists.")
    person = invitation.person
    if invitation.state() != Invitation.State.VALID:
        state = Invitation.State(invitation.state())
        return kinds.Skip(f"Not sent: the invitation is {state.value}.")
    if not person.is_active or person.has_usable_password():
        return kinds.Skip("Not sent: the person has left or has already set a password.")
    token = mint_token(invitation)
    return {
        "invitation": invitation,
        "token": token,
        "inviter": invitation.created_by,
        "days": settings.PORTAL_INVITATION_DAYS,
    }


def prepare_password_reset(reminder):
    """At send time: the reset link, from the account's current state (nothing stored)."""
    user = reminder.recipient
    if not user.has_usable_password():
        return kinds.Skip("Not sent: the account has no password to reset.")
    return {
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }


KINDS = (
    kinds.ReminderKind(
        INVITATION,
        _("Invitation to the portal"),
        essential=True,
        template="invitation",
        inbox=False,
        prepare=prepare_invitation,
    ),
    kinds.ReminderKind(
        PASSWORD_RESET,
        _("New password link"),
        essential=True,
        template="password-reset",
        inbox=False,
        prepare=prepare_password_reset,
    ),
)


def register():
    for kind in KINDS:
        kinds.register(kind)


def _first_role(membership) -> dict | None:
    """What the invitation says of the person's first role, as it was when invited."""
    if membership is None:
        return None
    snapshot = {"role": in_both_languages(type(membership).Role(membership.role).label)}
    group = getattr(membership, "group", None)
    if group is not None:
        snapshot["group"] = {"name": bilingual(group, "name")}
    else:
        snapshot["council"] = {"name": bilingual(membership.council, "name")}
    return snapshot


def invitation_enqueue(invitation, *, first_role=None) -> None:
    """Queue the e-mail of `invitation`, in the caller's transaction; a worker sends it after
    the commit and mints its link then."""
    person = invitation.person
    context = {"language": language_of(person)}
    snapshot = _first_role(first_role)
    if snapshot:
        context["first_role"] = snapshot
    outbox.remind(
        [
            outbox.due_about(
                type(invitation),
                invitation.pk,
                person.pk,
                INVITATION,
                timezone.localdate(),
                context,
            )
        ]
    )


def password_reset_enqueue(user, *, request_id) -> None:
    """Queue a password-reset e-mail to `user`, for the request `request_id` (one row per
    request: a second request the same day is a second e-mail)."""
    outbox.remind(
        [
            outbox.due_about(
                type(user),
                user.pk,
                user.pk,
                PASSWORD_RESET,
                timezone.localdate(),
                {"language": language_of(user)},
                key_parts=("reset", request_id),
            )
        ]
    )
