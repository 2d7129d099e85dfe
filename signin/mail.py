"""The sign-in app's e-mail (a second factor reset by the secretariat) goes through the
portal's one durable outbox (notifications.services), like every other message: the request
writes a row in the transaction that records the reset, and a worker sends it after the
commit, with the same retries, catch-up tick and "Messages not delivered" page. The e-mail
holds no secret, so the row carries all it needs."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.emails import language_of
from notifications import kinds
from notifications import services as outbox

SECOND_FACTOR_RESET = "signin_second_factor_reset"

KINDS = (
    kinds.ReminderKind(
        SECOND_FACTOR_RESET,
        _("Two-step verification reset"),
        essential=True,
        template="second-factor-reset",
        inbox=False,
    ),
)


def register():
    for kind in KINDS:
        kinds.register(kind)


def second_factor_reset_enqueue(event) -> None:
    """Queue the e-mail telling `event.user` that `event.by` reset their second factor, in the
    caller's transaction (one row per reset)."""
    by = event.by
    outbox.remind(
        [
            outbox.due_about(
                type(event),
                event.pk,
                event.user_id,
                SECOND_FACTOR_RESET,
                timezone.localdate(),
                {
                    "language": language_of(event.user),
                    "by_name": (by.get_full_name() or by.username) if by else "",
                },
            )
        ]
    )
