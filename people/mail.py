"""The one place this app hands an e-mail over (invitations, password resets).

Today it sends through `core.emails.send_email`, in the recipient's language, once the
transaction has committed; a failure is logged and never undoes the write that caused it (the
secretariat can send the invitation again from the person's page). When the portal gains a
durable outbox, switch this function to it: nothing else in the app sends mail.
"""

import logging

from django.db import transaction

from core.emails import send_email

logger = logging.getLogger(__name__)


def send_after_commit(template: str, *, to_user, context: dict) -> None:
    def deliver_person_email():
        try:
            send_email(template, to_user=to_user, context=context)
        except Exception:
            logger.exception("E-mail %s to user %s not sent", template, to_user.pk)

    transaction.on_commit(deliver_person_email, robust=True)
