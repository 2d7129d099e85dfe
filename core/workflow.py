"""The shared mechanics of a workflow step: lock the row, check the page the person acted from
is still current, check the app's TRANSITIONS table, and say clearly why a step is refused.

Each app keeps its own table (from-state → {to-state: who may take it}) and its own
status-change rows; this module only does what every workflow did the same way.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


class StepRefused(ValidationError):
    """A workflow step its rule does not allow now; the message says why."""


def lock(model, pk, *, related=()):
    """The row, locked for the rest of the transaction (SELECT … FOR UPDATE)."""
    queryset = model.objects.select_for_update()
    if related:
        # FOR UPDATE OF the row itself: the related rows are read, not locked.
        queryset = queryset.select_related(*related).select_for_update(of=("self",))
    return queryset.get(pk=pk)


def check_seen(locked, seen, *, field="revision"):
    """Refuse when the row changed since the person's page showed it (`seen` is the value of
    `field` that page held; None skips the check)."""
    if seen is None:
        return
    if str(getattr(locked, field)) != str(seen):
        raise StepRefused(
            _(
                "Someone else changed this while you were on this page. Your change was not "
                "saved: reload the page to see theirs, then act again if you still need to."
            ),
            code="stale",
        )


def check_step(locked, to, *, table, by, may):
    """Check `to` against `table[locked.status]` ({to: actor}) and `may(by, locked, actor)`.

    Raises StepRefused (with the current status) when the step does not exist from here, and
    PermissionDenied when this person may not take it."""
    allowed = table.get(locked.status, {})
    if to not in allowed:
        raise StepRefused(
            _("This step is not possible now: the status is “%(status)s”.")
            % {"status": locked.get_status_display()},
            code="not_allowed",
        )
    if not may(by, locked, allowed[to]):
        raise PermissionDenied
    return allowed[to]


class NeedsConfirmation(StepRefused):
    """A step that is allowed only once the person has seen its consequences and confirmed
    them with a reason (e.g. a change of membership that opens a liaison gap). `items` name
    the consequences; `token` of each is what the confirmation page sends back."""

    def __init__(self, message, *, items, code="needs_confirmation"):
        super().__init__(message, code=code)
        self.items = items
