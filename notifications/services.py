"""Reminders sent exactly once, the inbox, and preferences.

How a reminder travels:

1. A sweep (a periodic task of the app that owns the data) computes what is due and calls
   `remind([Due(...), ...])`. Adding a kind of reminder is one such function.
2. `remind` claims each reminder by INSERTing its row under the unique constraint
   (recipient, subject_key, kind, due_date) with ON CONFLICT DO NOTHING, creates the inbox
   entry in the same transaction, and enqueues the new rows' ids on commit, a few dozen to a
   send task. A row that already exists is simply not claimed again: a second beat tick, a
   second sweep running at the same time or a retried sweep sends nothing new.
3. `deliver_batch(reminder_ids)` (called by the send task with its ids, in one transaction)
   takes the rows with SELECT ... FOR UPDATE SKIP LOCKED WHERE sent_at IS NULL, sends the
   e-mails on one mail-server connection, and sets `sent_at` only after they went out. A
   second worker holding the same ids skips them; a redelivered task finds `sent_at` set. A
   failed send is written on its row with the time of the next attempt (`retry_delay`);
   after PORTAL_REMINDER_MAX_ATTEMPTS it has failed for good and waits for the
   secretariat's "Send again" (`reminder_resend`).
4. `send_due()`, run by the catch-up tick every minute, hands the workers the rows whose next
   attempt has come, and the ones the broker never carried (it was down when they were
   claimed, or lost the message). It is the only retry: Celery retries nothing, so chains of
   retries cannot stack up.

Funding notices and any other message go the same way (`notify`): a row per recipient written
in the transaction of the change, sent by the workers, never by a web request.

The one window left: a worker that dies after the mail server accepted a message but before
its batch's transaction commits leaves the rows unsent, and they are sent again. No design
without a transaction spanning the mail server can close it; it is as small as one batch's
sending (PORTAL_REMINDER_SEND_BATCH_SIZE messages) and one COMMIT.
"""

import datetime
import json
import logging
import smtplib
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import get_connection
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.template import Context
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from core.bilingual import LANGUAGES, pick
from core.emails import build_email, language_of, one_line
from core.paths import localized_url, portal_path

from . import kinds
from .models import Delivery, Notification, Observation, Preference, Reminder
from .selectors import forget_unread_count

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


def in_both_languages(text) -> dict:
    """A translatable text (a lazy gettext, a choice's label) as {"en": ..., "fr": ...}."""
    values = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            values[lang] = str(text)
    return values


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
                out[key] = localized_url(item, language) if urls else item
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
    # Plain text, like the e-mail's subject (core.emails.render_plain): no HTML escaping.
    rendered = templates[name].template.render(Context(ctx, autoescape=False))
    return one_line(rendered)


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
    inboxed = [(pk, key) for pk, key in claimed if kinds.get(wanted[key][0].kind).inbox]
    if inboxed:
        items = [wanted[key][0] for _pk, key in inboxed]
        _insert_inbox_entries(inboxed, items, render_headlines(items))
    # By person, so that a person's reminders of the sweep share the worker's batches and go
    # out as one e-mail a batch (`deliver_batch`), not one e-mail each.
    to_send = [
        pk
        for pk, key in sorted(claimed, key=lambda row: (row[1][0], row[0]))
        if wanted[key][1] == Delivery.IMMEDIATE
    ]
    if to_send:
        # A named function, never a functools.partial: on_commit(robust=True) logs a failure
        # with func.__qualname__, which a partial lacks (Django ticket #36487, not fixed in
        # 5.2.19), so a broker outage raised AttributeError and stopped the sweep.
        def enqueue_claimed():
            enqueue(to_send)

        transaction.on_commit(enqueue_claimed, robust=True)
    return [pk for pk, _key in claimed]


def post_to_inbox(recipient_ids: Iterable[int], kind: str, context: dict) -> int:
    """An inbox entry without an e-mail (e.g. a requester's own submission, for the record
    and for the group's other co-chairs), written in the caller's transaction. Its text is
    the kind's headline in both languages, as for a reminder."""
    ids = list(dict.fromkeys(recipient_ids))
    if not ids:
        return 0
    item = Due(0, kind, "", timezone.localdate(), context)
    (text,) = render_headlines([item])
    Notification.objects.bulk_create(
        Notification(
            recipient_id=pk,
            kind=kind,
            link=context.get("url", ""),
            text_en=text["en"][:400],
            text_fr=text["fr"][:400],
        )
        for pk in ids
    )
    return len(ids)


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
            {
                "claim_token": token,
                "claimed_at": now,
                "enqueued_at": now,
                "attempts": 0,
                "last_error": "",
            },
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
                enqueued_at=now,
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


# After the broker refused a message, a process stops trying it for this many seconds: a sweep
# of many batches, or every web request, does not wait on the broker's connection retries each
# time. What it would have handed over waits for the catch-up tick (`send_due`).
BROKER_PAUSE_SECONDS = 30.0
_broker_paused_until = 0.0


def broker_paused() -> bool:
    """Whether this process found the broker unreachable in the last BROKER_PAUSE_SECONDS."""
    return time.monotonic() < _broker_paused_until


def broker_resume() -> None:
    """Forget that the broker failed (tests; a process that knows it is back)."""
    global _broker_paused_until
    _broker_paused_until = 0.0


def enqueue(reminder_ids: Iterable[int]) -> int:
    """Hand claimed messages to the workers, PORTAL_REMINDER_SEND_BATCH_SIZE ids a message.

    Publishing is what a big sweep spends its time on with one message per reminder (about
    0.7 ms each on the file broker); each reminder of a batch is still sent on its own, see
    `tasks.send_reminders`.

    Never raises: with the broker unreachable or refusing writes, the rows it could not hand
    over are marked as not enqueued and the catch-up tick hands them over once it is back.
    Returns how many were handed over.
    """
    from .tasks import send_reminders  # tasks import this module

    global _broker_paused_until
    ids = list(reminder_ids)
    handed = 0
    if time.monotonic() >= _broker_paused_until:
        try:
            for batch in batched(ids, settings.PORTAL_REMINDER_SEND_BATCH_SIZE):
                send_reminders.delay(list(batch))
                handed += len(batch)
        except Exception as error:  # kombu, redis, OSError: all mean "not handed over"
            _broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
            log.warning(
                "Broker unreachable (%r): %d message(s) wait for the catch-up tick.",
                error,
                len(ids) - handed,
            )
    if handed < len(ids):
        _not_enqueued(ids[handed:])
    return handed


def _not_enqueued(ids: list[int]) -> None:
    try:
        Reminder.objects.filter(pk__in=ids, sent_at__isnull=True).update(enqueued_at=None)
    except Exception:  # the database too: the lease (PORTAL_REMINDER_STALE_MINUTES) covers it
        log.exception("Could not mark %d message(s) as not enqueued.", len(ids))


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


def _text(value) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def describe_error(error: Exception) -> str:
    """Why a send failed, as the secretariat reads it: the mail server's own answer (code and
    text, per refused address) when there is one, else the error's name and message."""
    name = type(error).__name__
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = [
            f"{code} {_text(text)} ({address})"
            for address, (code, text) in error.recipients.items()
        ]
        return f"{name}: {'; '.join(answers)}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{name}: {error.smtp_code} {_text(error.smtp_error)}"
    return f"{name}: {error}"


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long after its `attempts`-th failure a message is tried again: doubling from
    PORTAL_REMINDER_RETRY_SECONDS, at most 60 times that (an hour with the default minute)."""
    base = settings.PORTAL_REMINDER_RETRY_SECONDS
    return datetime.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), base * 60))


def sendable(now: datetime.datetime):
    """The messages that may be tried now: unsent, not given up on, not held for the digest,
    and past the time their last failure set for the next attempt."""
    return Reminder.objects.filter(
        sent_at__isnull=True, failed_at__isnull=True, delivery=Delivery.IMMEDIATE
    ).filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def deliver(reminder_id: int) -> bool:
    """Send one claimed message if nobody has and its time has come: True when this call
    sent it (`deliver_batch` of one)."""
    return deliver_batch([reminder_id]) == 1


def deliver_batch(reminder_ids: Iterable[int]) -> int:
    """Send the claimed messages among `reminder_ids` that nobody has sent and whose time has
    come; returns how many this call sent (or found nothing to send for: no address, no
    longer wanted).

    One transaction for the batch: its rows are read in one query with their recipients and
    profiles, and held (FOR UPDATE SKIP LOCKED) while the e-mails go out, so a second worker
    with the same ids skips every row this one holds and a redelivered task finds `sent_at`
    set. Every e-mail is rendered first (a kind's `prepare` in its own savepoint), then sent
    on one mail-server connection, then `sent_at` is written for the sent rows in one UPDATE
    per distinct note. A failure is written on its own row (attempts, last_error, the next
    attempt's time, or `failed_at` after PORTAL_REMINDER_MAX_ATTEMPTS) and not raised: the
    others go out, and the catch-up tick is the one retry (`send_due`). After a failed send
    the connection is opened again for the next message.

    A worker lost between its first send and the COMMIT sends that batch's sent messages
    again (the lease, PORTAL_REMINDER_STALE_MINUTES, hands them over again): the window is a
    batch (PORTAL_REMINDER_SEND_BATCH_SIZE) rather than one message.
    """
    ids = list(reminder_ids)
    if not ids:
        return 0
    sent_notes: dict[str, list[int]] = defaultdict(list)  # note → rows sent (or done)
    digests: list[tuple[int, list]] = []
    failures: list[tuple[Reminder, Exception]] = []
    with transaction.atomic():
        now = timezone.now()
        reminders = list(
            sendable(now)
            .select_for_update(skip_locked=True, of=("self",))
            .annotate(
                inbox_text_en=F("notification__text_en"), inbox_text_fr=F("notification__text_fr")
            )
            .filter(pk__in=ids)
            .order_by("pk")
        )
        if not reminders:
            return 0  # sent, given up on, not yet due, held by another worker, or digest
        _attach_recipients(reminders)
        composed = []  # (the rows one e-mail carries, the e-mail or why none is sent)
        for group in _one_email_each(reminders):
            try:
                if len(group) == 1:
                    message = _compose(group[0])
                else:  # a row that cannot be listed fails alone; the others still go
                    message, broken = _compose_together(group)
                    failures += broken
                    group = [r for r in group if r not in {b for b, _exc in broken}]
                    if not group:
                        continue
                composed.append((group, message))
            except Exception as exc:
                failures += [(reminder, exc) for reminder in group]
        mail = None
        for group, message in composed:
            if not isinstance(message, str):
                try:
                    mail = mail or _open_connection()
                    # A backend that took it without an error but sent nothing: no address.
                    message = "" if mail.send_messages([message]) else NO_ADDRESS
                except Exception as exc:
                    failures += [(reminder, exc) for reminder in group]
                    mail = _close_connection(mail)  # the next message gets a fresh one
                    continue
            sent_notes[message] += [reminder.pk for reminder in group]
            held = group[0].context.get("held_ids") or []
            if group[0].kind == kinds.DIGEST and held:
                digests.append((group[0].pk, held))
        _close_connection(mail)
        sent_at = timezone.now()
        for note, pks in sent_notes.items():
            Reminder.objects.filter(pk__in=pks).update(
                attempts=F("attempts") + 1,
                last_attempt_at=now,
                sent_at=sent_at,
                next_attempt_at=None,
                last_error=note,
            )
        for pk, held in digests:
            Reminder.objects.filter(pk__in=held, sent_at__isnull=True).update(
                sent_at=sent_at, digest_id=pk
            )
        for reminder, exc in failures:
            attempts = reminder.attempts + 1
            gave_up = attempts >= settings.PORTAL_REMINDER_MAX_ATTEMPTS
            Reminder.objects.filter(pk=reminder.pk).update(
                attempts=attempts,
                last_attempt_at=now,
                last_error=describe_error(exc)[:2000],
                next_attempt_at=None if gave_up else now + retry_delay(attempts),
                failed_at=now if gave_up else None,
                enqueued_at=None,  # the message that carried it is used up
            )
    for reminder, error in failures:
        if isinstance(error, SEND_ERRORS):
            log.warning("Message %s not sent: %r", reminder.pk, error)
        else:  # a bug, not the mail server: with its traceback
            log.error("Message %s not sent.", reminder.pk, exc_info=error)
    return sum(len(pks) for pks in sent_notes.values())


def _attach_recipients(reminders: list[Reminder]) -> None:
    """Each row's recipient, with their profile, read once per person: one person has up to
    thousands of rows in a sweep's batches (issue 17: a User and a Profile built per row was a
    sixth of the time to send a sweep)."""
    people = (
        get_user_model()
        .objects.select_related("profile")
        .in_bulk({reminder.recipient_id for reminder in reminders})
    )
    for reminder in reminders:
        reminder.recipient = people[reminder.recipient_id]


def _open_connection():
    """One connection to the mail server for a batch (EMAIL_BACKEND)."""
    mail = get_connection()
    mail.open()
    return mail


def _close_connection(mail):
    if mail is not None:
        try:
            mail.close()
        except Exception:  # a connection already broken: the next one is a new one
            log.debug("Closing the mail connection failed.", exc_info=True)
    return None


NO_ADDRESS = "No e-mail address: delivered to the inbox only."
CARRIES_HEADER = "X-Portal-Reminders"


def _compose(reminder: Reminder):
    """The e-mail for a message, rendered; or, when nothing is to be sent, why (a string,
    recorded on the row, which counts as done). A kind with `prepare` adds to the context
    what is made at send time (a single-use link), in a savepoint of the transaction that
    holds the row, so its failure leaves the batch's transaction usable."""
    recipient = reminder.recipient
    kind = kinds.get(reminder.kind)
    if not recipient.is_active:
        return NO_ADDRESS
    language = _message_language(reminder)
    extra = {}
    if kind.prepare is not None:
        with transaction.atomic():
            extra = kind.prepare(reminder)
        if isinstance(extra, kinds.Skip):
            return str(extra)
    context = {
        "kind": kind,
        "reminder": reminder,
        **localize(reminder.context, language),
        **extra,
    }
    message = build_email(kind.template, to_user=recipient, context=context, language=language)
    return NO_ADDRESS if message is None else message


def _message_language(reminder: Reminder) -> str:
    return reminder.context.get("language") or language_of(reminder.recipient)


def _one_email_each(reminders: list[Reminder]) -> list[list[Reminder]]:
    """The batch's rows grouped as they are e-mailed: a person's reminders of the batch go in
    one e-mail (in their language), so a co-chair with 40 requests waiting on them gets one
    message listing the 40, not 40 messages. A kind that makes something at send time
    (`prepare`: a single-use link), one without an inbox entry (account e-mails) and the
    weekly digest are always e-mailed on their own."""
    groups: dict[tuple, list[Reminder]] = {}
    alone = []
    for reminder in reminders:
        kind = kinds.get(reminder.kind)
        if kind.prepare is None and kind.inbox and reminder.kind != kinds.DIGEST:
            key = (reminder.recipient_id, _message_language(reminder))
            groups.setdefault(key, []).append(reminder)
        else:
            alone.append([reminder])
    return [*groups.values(), *alone]


def _entry(reminder: Reminder, language: str) -> dict:
    """One line of an e-mail that lists several reminders: its headline and its link."""
    text = reminder.inbox_text_fr if language == "fr" else reminder.inbox_text_en
    url = reminder.context.get("url")
    return {
        "text": text or render_headline(reminder.kind, reminder.context, language),
        "url": localized_url(url, language) if isinstance(url, str) and url else "",
    }


def _compose_together(group: list[Reminder]):
    """One e-mail for several reminders of one person: each reminder's headline (its inbox
    entry's text, written when it was claimed) with its link, soonest due first, and a link
    to the inbox. Returns (the e-mail, or like `_compose` a string saying why none is sent;
    [(reminder, error)] of the rows that could not be listed, left out of it)."""
    recipient = group[0].recipient
    if not recipient.is_active:
        return NO_ADDRESS, []
    language = _message_language(group[0])
    entries, broken = [], []
    for reminder in sorted(group, key=lambda r: (r.due_date or datetime.date.max, r.pk)):
        try:
            entries.append(_entry(reminder, language))
        except Exception as exc:
            broken.append((reminder, exc))
    if not entries:
        return NO_ADDRESS, broken
    context = {
        "entries": entries,
        "count": len(entries),
        "inbox_url": portal_path("notifications:inbox", language),
    }
    message = build_email("reminders", to_user=recipient, context=context, language=language)
    if message is None:
        return NO_ADDRESS, broken
    # How many reminders it carries: for a mail filter, and for the tests that count each
    # reminder sent once (notifications.tests.helpers.carried).
    message.extra_headers[CARRIES_HEADER] = str(len(entries))
    return message, broken


def send_due(now: datetime.datetime | None = None) -> list[int]:
    """For the catch-up tick: hand the workers every message whose time has come and that no
    message in the broker carries (never enqueued because the broker was down, failed
    earlier and due again, or enqueued more than PORTAL_REMINDER_STALE_MINUTES ago and not
    consumed: the message was lost). Marks them enqueued in the same statement that picks
    them (FOR UPDATE SKIP LOCKED), so two ticks never hand over the same row."""
    now = now or timezone.now()
    lease = now - datetime.timedelta(minutes=settings.PORTAL_REMINDER_STALE_MINUTES)
    with transaction.atomic():
        ids = list(
            sendable(now)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=lease))
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[: settings.PORTAL_REMINDER_BATCH_SIZE]
        )
        if not ids:
            return []
        Reminder.objects.filter(pk__in=ids).update(enqueued_at=now)

        def enqueue_due():
            enqueue(ids)

        transaction.on_commit(enqueue_due, robust=True)
    log.info("Handing %d unsent message(s) to the workers.", len(ids))
    return ids


def resend_stale(now: datetime.datetime | None = None) -> list[int]:
    """The name of `send_due` before issue 16 (a schedule may still call it)."""
    return send_due(now)


@transaction.atomic
def reminder_resend(*, reminder: Reminder, by) -> bool:
    """The secretariat's "Send again" for a message that failed for good: its attempts start
    over, and it is handed to the workers after commit. False if it is no longer failed (sent
    or resent by someone else meanwhile)."""
    updated = Reminder.objects.filter(
        pk=reminder.pk, failed_at__isnull=False, sent_at__isnull=True
    ).update(
        failed_at=None,
        attempts=0,
        next_attempt_at=None,
        enqueued_at=timezone.now(),
    )
    if not updated:
        return False
    log.info("Message %s sent again at the request of user %s.", reminder.pk, by.pk)
    pk = reminder.pk

    def enqueue_resent():
        enqueue([pk])

    transaction.on_commit(enqueue_resent, robust=True)
    return True


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
    forget_unread_count(user)
    Notification.objects.filter(pk=notification.pk, recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_mark_all_read(*, user) -> int:
    forget_unread_count(user)
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
