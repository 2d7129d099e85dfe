"""Funding requests waiting on a council co-chair's recommendation for more than
settings.PORTAL_REVIEW_REMINDER_DAYS days: that co-chair is reminded once per submission
(a resubmitted revision starts a new wait). Recused co-chairs are never asked."""

import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.bilingual import LANGUAGES
from notifications import kinds
from notifications.services import bilingual, due, remind, reminded_keys, subject_key, url_for

from .models import FundingRequest
from .selectors import reviews_waiting


def _headline(title: dict, days: int) -> dict:
    texts = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            texts[lang] = _(
                "Funding request waiting on your review for %(days)s days: %(title)s"
            ) % {
                "days": days,
                "title": title[lang],
            }
    return texts


def review_dues(now: datetime.datetime | None = None):
    now = now or timezone.now()
    days = settings.PORTAL_REVIEW_REMINDER_DAYS
    pairs = reviews_waiting(now - datetime.timedelta(days=days))
    reminded = reminded_keys(FundingRequest, kinds.FUNDING_REVIEW, {r.pk for r, _ in pairs})
    items = []
    contexts = {}  # one a request, shared by its co-chairs' reminders
    for request, cochair in pairs:
        submitted_on = timezone.localdate(request.submitted_at)
        key_parts = ("revision", request.revision)
        key = (cochair.pk, subject_key(request, *key_parts), kinds.FUNDING_REVIEW, submitted_on)
        if key in reminded:
            continue
        if request.pk not in contexts:
            title = bilingual(request, "title")
            contexts[request.pk] = {
                "headline": _headline(title, days),
                "title": title,
                "group": bilingual(request.group, "name"),
                "url": url_for("funding:request_detail", request.pk),
            }
        items.append(
            due(
                cochair.pk,
                kinds.FUNDING_REVIEW,
                request,
                submitted_on,
                contexts[request.pk],
                key_parts=key_parts,
            )
        )
    return items


def remind_reviews_waiting(now=None) -> list[int]:
    return remind(review_dues(now))


def digest_items(day=None) -> dict[int, list[dict]]:
    """For the weekly digest: every request waiting on each co-chair's recommendation."""
    items = {}
    for request, cochair in reviews_waiting(timezone.now()):
        title = bilingual(request, "title")
        text = {}
        for lang in LANGUAGES:
            with translation.override(lang):
                text[lang] = _("Waiting on your recommendation: %(title)s") % {"title": title[lang]}
        items.setdefault(cochair.pk, []).append(
            {
                "type": "funding_review",
                "text": text,
                "url": url_for("funding:request_detail", request.pk),
            }
        )
    return items
