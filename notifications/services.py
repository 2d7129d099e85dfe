"""Reminders sent exactly once, the inbox, and preferences.

How a reminder travels:

1. A sweep (a periodic task of the app that owns the data) computes what is due and calls
   `remind([Due(...), ...])`. Adding a kind of reminder is one such function.
2. `remind` claims each reminder by INSERTing its row under the unique constraint
   (recipient, subject_key, kind, due_date) with ON CONFLICT DO NOTHING, creates the inbox
   entry in the same transaction, and enqueues the new rows' ids on commit, a few dozen to a
   send task. A row that already exists is simply not claimed again: a second beat tick, a
   second sweep running at the same time or a retried sweep sends nothing new.
3. `deliver(reminder_id)` (called by the send task for each of its ids, each in its own
   transaction) takes the row with SELECT ... FOR UPDATE SKIP LOCKED WHERE sent_at IS NULL,
   sends the e-mail, and sets `sent_at` only after it went out. A second worker holding the
   same id skips it; a redelivered task finds `sent_at` set. A reminder whose mail server
   fails goes on alone, retried with exponential back-off (tasks.send_reminder).
4. `resend_stale()` re-enqueues rows claimed a while ago and still unsent (a worker died
   between the claim and the send, the broker lost the message, or every retry failed).

The one window left: a worker that dies after the mail server accepted the message but before
its transaction commits leaves the row unsent, and it is sent again. No design without a
transaction spanning the mail server can close it; it is as small as one COMMIT.
"""

import datetime
import json
import logging
import smtplib
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.template.loader import get_template
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from core.bilingual import LANGUAGES, pick
from core.emails import language_of, send_email

from . import kinds
from .models import Delivery, Notification, Observation, Preference, Reminder

log = logging.getLogger(__name__)

# Failures worth retrying: the mail server or the network, not a bug in a template.
SEND_ERRORS = (smtplib.SMTPException, OSError)


@dataclass(frozen=True)
class Due:
    """A reminder a sweep found due: to whom, of which kind, about what, for which date."""

    recipient_id: int
    kind: str
    subject_key: str
    due_date: datetime.date
    context: dict = field(default_factory=dict, compare=False, hash=False)
    content_type_id: int | None = None
    object_id: int | None = None

    @property
    def key(self):
        return (self.recipient_id, self.subject_key, self.kind, self.due_date)


def subject_key(obj: models.Model, *parts) -> str:
    """ "app.model:pk", plus any extra parts, e.g. "workinggroups.group:3:council:1"."""
    return _subject_key(type(obj), obj.pk, parts)


def _subject_key(model, pk, parts) -> str:
    return ":".join([f"{model._meta.label_lower}:{pk}", *(str(p) for p in parts)])


def due(recipient_id, kind, subject, due_date, context, *, key_parts=()) -> Due:
    """A Due about a model instance (its subject key and generic foreign key)."""
    return due_about(
        type(subject), subject.pk, recipient_id, kind, due_date, context, key_parts=key_parts
    )


def due_about(model, pk, recipient_id, kind, due_date, context, *, key_parts=()) -> Due:
    """A Due about the row `pk` of `model`: `due` for a sweep that reads rows, not instances."""
    return Due(
        recipient_id=recipient_id,
        kind=kind,
        subject_key=_subject_key(model, pk, key_parts),
        due_date=due_date,
        context=context,
        content_type_id=ContentType.objects.get_for_model(model).pk,
        object_id=pk,
    )


def reminded_keys(model, kind: str, pks: Iterable[int]) -> set[tuple]:
    """The keys (as Due.key) of the reminders of `kind` already claimed about these rows of
    `model`, in one query: a sweep can leave them out, so that its work follows what is new
    (the claim would skip them anyway)."""
    return set(
        Reminder.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=pks, kind=kind
        ).values_list("recipient_id", "subject_key", "kind", "due_date")
    )


def bilingual(obj, name) -> dict:
    """A bilingual field's two values for a context snapshot, each falling back to the other."""
    values = {lang: getattr(obj, f"{name}_{lang}") for lang in LANGUAGES}
    return {lang: str(pick(values, lang)) for lang in LANGUAGES}


def url_for(name, *args) -> str:
    """A portal path, stored in English and translated when shown or sent."""
    with translation.override("en"):
        return reverse(name, args=args)


BILINGUAL_KEYS = frozenset(LANGUAGES)


def localize(value, language, *, urls=True):
    """Resolve a context snapshot for one language: {"en", "fr"} dicts become the text in that
    language, "*_date" strings become dates, "url" paths get the language's prefix (unless
    `urls` is false: a headline shows none, and translating one costs a URL resolve)."""
    if isinstance(value, dict):
        if value and value.keys() <= BILINGUAL_KEYS:
            return str(pick(value, language))
        out = {}
        for key, item in value.items():
            if key.endswith("_date") and isinstance(item, str) and item:
                out[key] = datetime.date.fromisoformat(item)
            elif key == "url" and isinstance(item, str) and item:
                out[key] = translate_url(item, language) if urls else item
            elif isinstance(item, dict | list):
                out[key] = localize(item, language, urls=urls)
            else:
                out[key] = item
        return out
    if isinstance(value, list):
        return [localize(item, language, urls=urls) for item in value]
    return value


def render_headline(kind_code: str, context: dict, language: str) -> str:
    """The one-line text of a reminder (its e-mail subject, and its inbox entry)."""
    with translation.override(language):
        return _headline(kind_code, context, language)


def render_headlines(items: list[Due]) -> list[dict[str, str]]:
    """`render_headline` of each item in every language, for a batch of inbox entries.

    Each language is activated once, not once an item, and a context shared by several items
    (the same objective for each of its co-chairs) is rendered once a language.
    """
    texts = [{} for _ in items]
    templates = {}
    for language in LANGUAGES:
        with translation.override(language):
            rendered = {}
            for text, item in zip(texts, items, strict=True):
                key = (item.kind, id(item.context))
                if key not in rendered:
                    rendered[key] = _headline(item.kind, item.context, language, templates)
                text[language] = rendered[key]
    return texts


def _headline(kind_code: str, context: dict, language: str, templates=None) -> str:
    """The headline in the active language (`language`); `templates` caches the lookups."""
    kind = kinds.get(kind_code)
    name = f"emails/{kind.template}-subject.txt"
    templates = {} if templates is None else templates
    if name not in templates:
        templates[name] = get_template(name)
    ctx = {"kind": kind, **localize(context, language, urls=False)}
    return " ".join(templates[name].render(ctx).split())


# --- Claiming -------------------------------------------------------------------------------


def batched(items: Iterable, size: int):
    """itertools.batched, which Python 3.11 lacks."""
    iterator = iter(items)
    while batch := tuple(islice(iterator, size)):
        yield batch


def remind(items: Iterable[Due], *, batch_size: int | None = None) -> list[int]:
    """Claim each due reminder once, put it in the inbox, and send it after commit.

    Works in batches: a constant number of queries per batch, whatever the data. Returns the
    ids of the reminders this call claimed (none for the ones already claimed before).
    """
    size = batch_size or settings.PORTAL_REMINDER_BATCH_SIZE
    claimed = []
    for batch in batched(items, size):
        claimed += _claim_batch(batch)
    return claimed


@transaction.atomic
def _claim_batch(batch: tuple[Due, ...]) -> list[int]:
    unique = {}
    for item in batch:  # one person can be due the same reminder through two roles
        unique.setdefault(item.key, item)
    preferences = {
        p.user_id: p
        for p in Preference.objects.filter(user_id__in={i.recipient_id for i in unique.values()})
    }
    wanted = {}  # key -> (item, delivery)
    for key, item in unique.items():
        preference = preferences.get(item.recipient_id) or Preference()
        if not preference.wants(item.kind):
            continue
        batched_later = (
            preference.delivery == Delivery.DIGEST
            and not kinds.get(item.kind).essential
            and item.kind != kinds.DIGEST
        )
        wanted[key] = (item, Delivery.DIGEST if batched_later else Delivery.IMMEDIATE)
    if not wanted:
        return []
    claimed = _insert_claims(wanted)
    if not claimed:
        return []
    items = [wanted[key][0] for _pk, key in claimed]
    _insert_inbox_entries(claimed, items, render_headlines(items))
    to_send = [pk for pk, key in claimed if wanted[key][1] == Delivery.IMMEDIATE]
    if to_send:
        # A named function, never a functools.partial: on_commit(robust=True) logs a failure
        # with func.__qualname__, which a partial lacks (Django ticket #36487, not fixed in
        # 5.2.19), so a broker outage raised AttributeError and stopped the sweep.
        def enqueue_claimed():
            enqueue(to_send)

        transaction.on_commit(enqueue_claimed, robust=True)
    return [pk for pk, _key in claimed]


# What the claim and the inbox entry write (the other columns get their constant or NULL).
CLAIM_COLUMNS = (
    "recipient",
    "kind",
    "subject_key",
    "due_date",
    "content_type",
    "object_id",
    "context",
    "delivery",
)
INBOX_COLUMNS = ("recipient", "kind", "link", "reminder", "text_en", "text_fr")


def _insert_claims(wanted: dict[tuple, tuple[Due, str]]) -> list[tuple[int, tuple]]:
    """The claim: INSERT ... ON CONFLICT DO NOTHING under the unique constraint. Returns
    [(pk, key)] of the rows this call inserted, by pk: rows that already existed are not ours
    to send. On PostgreSQL one statement, whose RETURNING lists the rows it inserted;
    elsewhere bulk_create, then the rows carrying this claim's token."""
    token, now = uuid.uuid4(), timezone.now()
    if connection.vendor == "postgresql":
        encoder = Reminder._meta.get_field("context").encoder
        rows = _insert_unnest(
            Reminder,
            CLAIM_COLUMNS,
            [
                (
                    *(i.recipient_id, i.kind, i.subject_key, i.due_date),
                    *(i.content_type_id, i.object_id, json.dumps(i.context, cls=encoder)),
                    delivery,
                )
                for i, delivery in wanted.values()
            ],
            {"claim_token": token, "claimed_at": now, "attempts": 0, "last_error": ""},
            on_conflict="ON CONFLICT DO NOTHING",
            returning=("id", "recipient", "subject_key", "kind", "due_date"),
        )
        return sorted((pk, tuple(key)) for pk, *key in rows)
    Reminder.objects.bulk_create(
        [
            Reminder(
                recipient_id=i.recipient_id,
                kind=i.kind,
                subject_key=i.subject_key,
                due_date=i.due_date,
                content_type_id=i.content_type_id,
                object_id=i.object_id,
                context=i.context,
                delivery=delivery,
                claim_token=token,
            )
            for i, delivery in wanted.values()
        ],
        ignore_conflicts=True,
    )
    rows = (
        Reminder.objects.filter(claim_token=token)
        .order_by("pk")
        .values_list("pk", "recipient_id", "subject_key", "kind", "due_date")
    )
    return [(pk, tuple(key)) for pk, *key in rows]


def _insert_inbox_entries(claimed, items, texts) -> None:
    """One inbox entry per claimed reminder, its text rendered in both languages."""
    values = [
        (i.recipient_id, i.kind, i.context.get("url", ""), pk, text["en"][:400], text["fr"][:400])
        for (pk, _key), i, text in zip(claimed, items, texts, strict=True)
    ]
    if connection.vendor == "postgresql":
        _insert_unnest(Notification, INBOX_COLUMNS, values, {"created_at": timezone.now()})
        return
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=recipient_id,
                kind=kind,
                link=link,
                reminder_id=reminder_id,
                text_en=text_en,
                text_fr=text_fr,
            )
            for recipient_id, kind, link, reminder_id, text_en, text_fr in values
        ]
    )


def _insert_unnest(model, names, rows, constants, *, on_conflict="", returning=()):
    """PostgreSQL: INSERT rows of plain values in one statement, each column sent as one
    array (the UNNEST form of Django's bulk_create), without a model instance or a value
    prepared per field and row: the part of bulk_create a sweep of tens of thousands of
    reminders spent its time in. `constants` are the same for every row; the columns not
    named are NULL. Returns the `returning` columns of the rows inserted."""
    ops = connection.ops

    def column(name):
        return ops.quote_name(model._meta.get_field(name).column)

    def cast(name):
        field = model._meta.get_field(name)
        field = field.target_field if field.is_relation else field
        return field.db_type(connection).split("(")[0]  # varchar, not varchar(40)

    # Identifiers and types come from the model, every value is a parameter.
    sql = "INSERT INTO {table} ({columns}) SELECT u.*, {constants} FROM UNNEST({arrays}) AS u"
    sql = sql.format(
        table=ops.quote_name(model._meta.db_table),
        columns=", ".join(column(name) for name in [*names, *constants]),
        constants=", ".join(f"%s::{cast(name)}" for name in constants),
        arrays=", ".join(f"%s::{cast(name)}[]" for name in names),
    )
    if on_conflict:
        sql += f" {on_conflict}"
    if returning:
        sql += " RETURNING " + ", ".join(column(name) for name in returning)
    arrays = [list(column) for column in zip(*rows, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*constants.values(), *arrays])
        return cursor.fetchall() if returning else []


def enqueue(reminder_ids: Iterable[int]) -> None:
    """Hand claimed reminders to the workers, PORTAL_REMINDER_SEND_BATCH_SIZE ids a message.

    Publishing is what a big sweep spends its time on with one message per reminder (about
    0.7 ms each on the file broker); each reminder of a batch is still sent on its own, see
    `tasks.send_reminders`.
    """
    from .tasks import send_reminders  # tasks import this module

    for ids in batched(reminder_ids, settings.PORTAL_REMINDER_SEND_BATCH_SIZE):
        send_reminders.delay(list(ids))


def observe(kind: str, keys: Iterable[str], day: datetime.date) -> dict[str, datetime.date]:
    """Record that the conditions `keys` hold on `day`; forget the ones that no longer hold.

    Returns {key: first day seen} for the current ones: how long each has lasted. Three
    queries, whatever the number of keys.
    """
    keys = set(keys)
    with transaction.atomic():
        Observation.objects.filter(kind=kind).exclude(subject_key__in=keys).delete()
        Observation.objects.bulk_create(
            [Observation(kind=kind, subject_key=k, first_seen=day, last_seen=day) for k in keys],
            update_conflicts=True,
            unique_fields=["kind", "subject_key"],
            update_fields=["last_seen"],
        )
        return dict(
            Observation.objects.filter(kind=kind, subject_key__in=keys).values_list(
                "subject_key", "first_seen"
            )
        )


# --- Sending --------------------------------------------------------------------------------


def deliver(reminder_id: int) -> bool:
    """Send one claimed reminder if nobody has: True when this call sent it.

    The row is held (FOR UPDATE SKIP LOCKED) while the e-mail goes out, so a second worker
    with the same id skips it, and `sent_at` is written only after the send succeeded. A
    failure is recorded (attempts, last_error) and raised again for the task to retry.
    """
    error = None
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=reminder_id, sent_at__isnull=True, delivery=Delivery.IMMEDIATE)
            .first()
        )
        if reminder is None:
            return False  # sent already, held by another worker, or waiting for the digest
        now = timezone.now()
        try:
            sent = _send(reminder)
        except Exception as exc:
            error = exc
            Reminder.objects.filter(pk=reminder.pk).update(
                attempts=F("attempts") + 1,
                last_attempt_at=now,
                last_error=f"{type(exc).__name__}: {exc}"[:2000],
            )
        else:
            Reminder.objects.filter(pk=reminder.pk).update(
                attempts=F("attempts") + 1,
                last_attempt_at=now,
                sent_at=timezone.now(),
                last_error="" if sent else "No e-mail address: delivered to the inbox only.",
            )
            held = reminder.context.get("held_ids") or []
            if reminder.kind == kinds.DIGEST and held:
                Reminder.objects.filter(pk__in=held, sent_at__isnull=True).update(
                    sent_at=timezone.now(), digest=reminder
                )
    if error is not None:
        log.warning("Reminder %s not sent: %s", reminder_id, error)
        raise error
    return True


def _send(reminder: Reminder) -> int:
    recipient = reminder.recipient
    if not recipient.is_active:
        return 0
    language = language_of(recipient)
    context = {
        "kind": kinds.get(reminder.kind),
        "reminder": reminder,
        **localize(reminder.context, language),
    }
    return send_email(kinds.get(reminder.kind).template, to_user=recipient, context=context)


def stale_reminder_ids(now: datetime.datetime | None = None) -> list[int]:
    """Claimed, meant to be sent now, still unsent a while later, and not given up on."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.PORTAL_REMINDER_STALE_MINUTES)
    return list(
        Reminder.objects.filter(
            sent_at__isnull=True,
            delivery=Delivery.IMMEDIATE,
            claimed_at__lt=cutoff,
            attempts__lt=settings.PORTAL_REMINDER_MAX_ATTEMPTS,
        )
        .filter(Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lt=cutoff))
        .order_by("pk")
        .values_list("pk", flat=True)[: settings.PORTAL_REMINDER_BATCH_SIZE]
    )


def resend_stale(now: datetime.datetime | None = None) -> list[int]:
    ids = stale_reminder_ids(now)
    if ids:
        log.info("Re-enqueueing %d unsent reminder(s).", len(ids))
        enqueue(ids)
    return ids


def week_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def weekly_digest(day: datetime.date | None = None) -> list[int]:
    """One digest per person per week: what waits on them (from each app's digest provider,
    settings.PORTAL_DIGEST_PROVIDERS) and the reminders they chose to receive weekly."""
    day = day or timezone.localdate()
    items = defaultdict(list)
    for path in settings.PORTAL_DIGEST_PROVIDERS:
        for user_id, entries in import_string(path)(day).items():
            items[user_id].extend(entries)
    held = defaultdict(list)
    rows = (
        Reminder.objects.filter(delivery=Delivery.DIGEST, sent_at__isnull=True)
        .order_by("due_date", "pk")
        .values_list(
            "pk", "recipient_id", "notification__text_en", "notification__text_fr", "context"
        )
    )
    for pk, user_id, text_en, text_fr, context in rows:
        held[user_id].append(
            {
                "id": pk,
                "text": {"en": text_en or "", "fr": text_fr or ""},
                "url": context.get("url"),
            }
        )
    week = week_of(day)
    digests = [
        Due(
            recipient_id=user_id,
            kind=kinds.DIGEST,
            subject_key="digest",
            due_date=week,
            context={
                "week_date": week.isoformat(),
                "items": items.get(user_id, []),
                "held": held.get(user_id, []),
                "held_ids": [h["id"] for h in held.get(user_id, [])],
                "url": url_for("notifications:inbox"),
            },
        )
        for user_id in sorted(set(items) | set(held))
    ]
    return remind(digests)


# --- Inbox and preferences ------------------------------------------------------------------


def notification_mark_read(*, user, notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk, recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preference_for(user) -> Preference:
    return Preference.objects.filter(user=user).first() or Preference(user=user)


@transaction.atomic
def preference_update(*, user, delivery: str, muted_kinds: Iterable[str]) -> Preference:
    optional = {code for code, _ in kinds.optional_choices()}
    preference, _created = Preference.objects.select_for_update().get_or_create(user=user)
    preference.delivery = delivery
    preference.muted_kinds = sorted(set(muted_kinds) & optional)
    preference.full_clean()
    preference.save()
    return preference
