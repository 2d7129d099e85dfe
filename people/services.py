"""Writes about people: invite, resend, accept, renew, edit, deactivate, reactivate.

Each runs in one transaction and locks what two people could change at once. Its e-mail is a
row of the portal's outbox written in that transaction (people.mail): a worker sends it and
mints the invitation's token then; only the token's hash is ever stored.
"""

import datetime
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.workflow import StepRefused
from councils.models import CouncilMembership, Profile
from workinggroups.models import GroupMembership

from .mail import invitation_enqueue, password_reset_enqueue
from .models import Invitation, PasswordResetAttempt, PersonEvent, hash_token
from .permissions import can_deactivate, can_manage_people

User = get_user_model()

# The first role an invitation may record: (kind, role) pairs, kind "council" or "group".
COUNCIL_ROLES = {
    "council_co_chair": CouncilMembership.Role.CO_CHAIR,
    "council_member": CouncilMembership.Role.MEMBER,
    "council_secretariat": CouncilMembership.Role.SECRETARIAT,
    "council_guest": CouncilMembership.Role.GUEST,
}
GROUP_ROLES = {
    "group_co_chair": GroupMembership.Role.CO_CHAIR,
    "group_member": GroupMembership.Role.MEMBER,
}


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def email_taken(email: str, *, exclude=None):
    """The person who already has this address, or None."""
    people = User.objects.filter(email__iexact=normalize_email(email))
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    return people.order_by("pk").first()


def username_for(email: str) -> str:
    """People sign in with their e-mail address as username (what a username may hold of it;
    a suffix in the rare case an older account already holds that username)."""
    base = re.sub(r"[^\w.@+-]", "", normalize_email(email))[:140] or "person"
    username, n = base, 2
    while User.objects.filter(username__iexact=username).exists():
        username, n = f"{base}-{n}", n + 1
    return username


def _duplicate(person):
    return ValidationError(
        {
            "email": _(
                "%(name)s already has this address. Open their page to send the invitation "
                "again or to reactivate them."
            )
            % {"name": person.get_full_name() or person.get_username()}
        },
        code="duplicate",
    )


def _new_invitation(*, person, by, now=None):
    """A fresh invitation for `person`: every link still open is marked replaced. It has no
    token yet: the worker that e-mails it mints one (people.mail.prepare_invitation)."""
    now = now or timezone.now()
    Invitation.objects.filter(
        person=person, used_at=None, replaced_at=None, withdrawn_at=None
    ).update(replaced_at=now)
    return Invitation.objects.create(
        person=person,
        email=person.email,
        created_at=now,
        created_by=by,
        expires_at=now + datetime.timedelta(days=settings.PORTAL_INVITATION_DAYS),
    )


@transaction.atomic
def person_invite(
    *,
    by,
    first_name,
    last_name,
    email,
    language,
    jurisdiction=None,
    title_en="",
    title_fr="",
    role="",
    council=None,
    group=None,
    start_date=None,
):
    """Create the person (no usable password: they choose one from the link), their profile,
    an optional first membership, and e-mail them the link in their language."""
    if not can_manage_people(by):
        raise PermissionDenied
    email = normalize_email(email)
    taken = email_taken(email)
    if taken is not None:
        raise _duplicate(taken)
    start_date = start_date or timezone.localdate()
    person = User(
        username=username_for(email), email=email, first_name=first_name, last_name=last_name
    )
    person.set_unusable_password()
    person.full_clean(exclude=["password"])
    try:
        with transaction.atomic():  # the username is unique: a concurrent invitation loses here
            person.save()
    except IntegrityError:
        raise _duplicate(email_taken(email) or person) from None
    profile, _created = Profile.objects.get_or_create(user=person)
    person.profile = profile  # not the copy the post_save signal cached: the e-mail reads this
    profile.jurisdiction = jurisdiction
    profile.title_en, profile.title_fr = title_en, title_fr
    profile.preferred_language = language
    profile.full_clean()
    profile.save()
    first_role = None
    if role in COUNCIL_ROLES:
        first_role = CouncilMembership(
            council=council,
            user=person,
            role=COUNCIL_ROLES[role],
            jurisdiction=jurisdiction if role == "council_member" else None,
            start_date=start_date,
        )
    elif role in GROUP_ROLES:
        first_role = GroupMembership(
            group=group, user=person, role=GROUP_ROLES[role], start_date=start_date
        )
    if first_role is not None:
        first_role.full_clean()
        first_role.save()
    now = timezone.now()
    PersonEvent.objects.create(person=person, kind=PersonEvent.Kind.INVITED, by=by, at=now)
    invitation = _new_invitation(person=person, by=by, now=now)
    invitation_enqueue(invitation, first_role=first_role)
    return person


def _lock_person(person):
    # FOR UPDATE OF the user only: the profile is joined (outer join), not locked.
    return User.objects.select_for_update(of=("self",)).select_related("profile").get(pk=person.pk)


@transaction.atomic
def invitation_resend(*, person, by):
    """The secretariat sends a new link (the old ones stop working)."""
    if not can_manage_people(by):
        raise PermissionDenied
    person = _lock_person(person)
    if not person.is_active:
        raise StepRefused(_("This person has left: reactivate them first."), code="inactive")
    if person.has_usable_password():
        raise StepRefused(
            _("This person has already set a password; they can reset it if they forgot it."),
            code="joined",
        )
    invitation = _new_invitation(person=person, by=by)
    PersonEvent.objects.create(person=person, kind=PersonEvent.Kind.INVITATION_SENT, by=by)
    invitation_enqueue(invitation)
    return invitation


def invitation_for_token(token):
    """The invitation this link carries, or None for a token that was never issued."""
    if not token or len(token) > 200:
        return None
    return (
        Invitation.objects.select_related("person", "person__profile")
        .filter(token_hash=hash_token(token))
        .first()
    )


def _lock_invitation(token):
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("person", "person__profile")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None:
        raise StepRefused(_("This link is not valid."), code="unknown")
    return invitation


def refusal_for(invitation, now=None) -> str:
    """Why this link no longer works, in words the invitee can act on ('' when it works)."""
    state = invitation.state(now)
    if state == Invitation.State.VALID and not invitation.person.is_active:
        state = Invitation.State.WITHDRAWN
    return {
        Invitation.State.VALID: "",
        Invitation.State.USED: _(
            "This link has already been used to set a password. Sign in with your username; "
            "if you forgot your password, reset it."
        ),
        Invitation.State.EXPIRED: _(
            "This link has expired. Ask for a new one below: it will be sent to the address "
            "the invitation went to."
        ),
        Invitation.State.REPLACED: _(
            "A newer link was sent to you after this one: use the link in the most recent "
            "e-mail, or ask for a new one below."
        ),
        Invitation.State.WITHDRAWN: _(
            "This invitation was withdrawn. Contact the councils' secretariat if you think this "
            "is a mistake."
        ),
    }[state]


def may_renew(invitation, now=None) -> bool:
    """A link that expired or was replaced, of a person still invited, may ask once for a new
    link; it is sent to the address on file, never to one typed on the page."""
    person = invitation.person
    return (
        invitation.state(now) in (Invitation.State.EXPIRED, Invitation.State.REPLACED)
        and invitation.renewed_at is None
        and person.is_active
        and not person.has_usable_password()
    )


@transaction.atomic
def invitation_accept(*, token, password):
    """Set the invitee's first password from a valid link, exactly once."""
    invitation = _lock_invitation(token)
    person = _lock_person(invitation.person)
    invitation.person = person
    refusal = refusal_for(invitation)
    if refusal:
        raise StepRefused(refusal, code=invitation.state())
    now = timezone.now()
    person.set_password(password)
    person.save(update_fields=["password"])
    invitation.used_at = now
    invitation.save(update_fields=["used_at"])
    PersonEvent.objects.create(person=person, kind=PersonEvent.Kind.JOINED, at=now)
    return person


@transaction.atomic
def invitation_renew(*, token):
    """The invitee asks for a new link from an expired or replaced one (once per link)."""
    invitation = _lock_invitation(token)
    person = _lock_person(invitation.person)
    invitation.person = person
    if not may_renew(invitation):
        if invitation.renewed_at:
            raise StepRefused(
                _(
                    "A new link was already sent for this one. Use the link in the most recent "
                    "e-mail, or contact the councils' secretariat."
                ),
                code="renewed",
            )
        raise StepRefused(refusal_for(invitation) or _("This link still works."), code="no")
    now = timezone.now()
    invitation.renewed_at = now
    invitation.save(update_fields=["renewed_at"])
    fresh = _new_invitation(person=person, by=None, now=now)
    PersonEvent.objects.create(person=person, kind=PersonEvent.Kind.INVITATION_SENT, at=now)
    invitation_enqueue(fresh)
    return fresh


@transaction.atomic
def person_update(
    *, person, by, first_name, last_name, email, language, jurisdiction, title_en, title_fr
):
    if not can_manage_people(by):
        raise PermissionDenied
    person = _lock_person(person)
    email = normalize_email(email)
    taken = email_taken(email, exclude=person)
    if taken is not None:
        raise _duplicate(taken)
    person.first_name, person.last_name, person.email = first_name, last_name, email
    person.full_clean(exclude=["password"])
    person.save(update_fields=["first_name", "last_name", "email"])
    profile = person.profile
    profile.jurisdiction = jurisdiction
    profile.title_en, profile.title_fr = title_en, title_fr
    profile.preferred_language = language
    profile.full_clean()
    profile.save()
    return person


def open_memberships(person, last_day):
    """The person's council and group memberships still running after `last_day`."""
    after = {"user": person}
    council = CouncilMembership.objects.filter(**after).exclude(end_date__lte=last_day)
    group = GroupMembership.objects.filter(**after).exclude(end_date__lte=last_day)
    return (
        council.select_related("council").order_by("start_date", "pk"),
        group.select_related("group", "council").order_by("start_date", "pk"),
    )


@transaction.atomic
def person_deactivate(*, person, by, last_day, reason=""):
    """The person leaves: every membership still running ends on `last_day`, sign-in is
    refused from now on, open invitation links are withdrawn. Nothing is deleted."""
    if not can_deactivate(by, person):
        raise PermissionDenied
    person = _lock_person(person)
    if not person.is_active:
        raise StepRefused(_("This person has already been deactivated."), code="inactive")
    today = timezone.localdate()
    if last_day > today:
        raise ValidationError(
            {"last_day": _("The last day cannot be in the future.")}, code="future"
        )
    council_rows, group_rows = open_memberships(person, last_day)
    council_rows, group_rows = list(council_rows), list(group_rows)
    late = [m for m in [*council_rows, *group_rows] if m.start_date > last_day]
    if late:
        raise ValidationError(
            {
                "last_day": _(
                    "One of this person's memberships starts on %(date)s, after this day. "
                    "Choose that day or a later one, or end that membership first."
                )
                % {"date": max(m.start_date for m in late).isoformat()}
            },
            code="before_start",
        )
    # Row by row, so each membership's history records who ended it and when.
    for membership in [*council_rows, *group_rows]:
        membership.end_date = last_day
        membership.full_clean()
        membership.save(update_fields=["end_date"])
    person.is_active = False
    person.save(update_fields=["is_active"])
    now = timezone.now()
    Invitation.objects.filter(
        person=person, used_at=None, replaced_at=None, withdrawn_at=None
    ).update(withdrawn_at=now)
    PersonEvent.objects.create(
        person=person,
        kind=PersonEvent.Kind.DEACTIVATED,
        on_date=last_day,
        reason=reason,
        by=by,
        at=now,
        ended_memberships=len(council_rows) + len(group_rows),
    )
    return person


@transaction.atomic
def person_reactivate(*, person, by, reason=""):
    """The person comes back: they may sign in again (with their old password, or from a new
    invitation). Ended memberships stay ended; new ones are added where they belong."""
    if not can_manage_people(by):
        raise PermissionDenied
    person = _lock_person(person)
    if person.is_active:
        raise StepRefused(_("This person is already active."), code="active")
    person.is_active = True
    person.save(update_fields=["is_active"])
    PersonEvent.objects.create(
        person=person, kind=PersonEvent.Kind.REACTIVATED, reason=reason, by=by
    )
    return person


# --- Password reset throttle ----------------------------------------------------------------


def _address_key(email: str) -> str:
    from django.utils.crypto import salted_hmac

    return salted_hmac("people.password-reset", normalize_email(email)).hexdigest()


def password_reset_throttled(*, email, client_ip) -> bool:
    """True when this address, or this client, asked too often within the window."""
    since = timezone.now() - datetime.timedelta(
        minutes=settings.PORTAL_PASSWORD_RESET_WINDOW_MINUTES
    )
    recent = PasswordResetAttempt.objects.filter(at__gt=since)
    if recent.filter(address_hash=_address_key(email)).count() >= (
        settings.PORTAL_PASSWORD_RESET_PER_ADDRESS
    ):
        return True
    return bool(client_ip) and recent.filter(client_ip=client_ip).count() >= (
        settings.PORTAL_PASSWORD_RESET_PER_CLIENT
    )


def password_reset_record(*, email, client_ip):
    """Count one accepted request; rows older than the window are forgotten."""
    now = timezone.now()
    window = datetime.timedelta(minutes=settings.PORTAL_PASSWORD_RESET_WINDOW_MINUTES)
    PasswordResetAttempt.objects.filter(at__lte=now - window).delete()
    return PasswordResetAttempt.objects.create(
        address_hash=_address_key(email), client_ip=client_ip[:64], at=now
    )


@transaction.atomic
def password_reset_send(*, user, request_id):
    """Queue a reset e-mail to `user` (the outbox row; the worker makes the link)."""
    password_reset_enqueue(user, request_id=request_id)


def invited_people_for(email):
    """People with this address who were invited and never set a password (still active): a
    "forgot my password" request sends them a fresh invitation link instead."""
    return (
        User.objects.filter(email__iexact=normalize_email(email), is_active=True)
        .filter(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .filter(invitations__isnull=False)
        .distinct()
    )


@transaction.atomic
def invitation_send_on_request(*, person):
    """A fresh invitation link for an invited person who asked through "forgot my password"."""
    person = _lock_person(person)
    if not person.is_active or person.has_usable_password():
        return None
    invitation = _new_invitation(person=person, by=None)
    PersonEvent.objects.create(person=person, kind=PersonEvent.Kind.INVITATION_SENT)
    invitation_enqueue(invitation)
    return invitation
