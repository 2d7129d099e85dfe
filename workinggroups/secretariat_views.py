"""The secretariat's pages for groups: create and edit a group (its mandate versioned), the
mandate's versions and their comparison (every reader), and the group's memberships — add,
change and end the terms of co-chairs, members and council representatives.

Changes go through `councils.views.change_page`: a search for a person, a liaison gap to
confirm, a stale page answered with 409, all the same way on the councils' pages.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bilingual import LANGUAGE_LABELS, LANGUAGES, current_language, pick
from core.cache import GROUPS, PEOPLE, kept_page_part
from core.params import parse_int
from core.permissions import get_object_for_user
from core.textdiff import inline_diff
from councils.forms import EndTermForm
from councils.models import person_name
from councils.views import ENDING_SOON_DAYS, change_page

from . import mandates, memberships
from .forms import GroupForm, GroupMembershipForm
from .models import Group, GroupMembership, MandateReview, MandateVersion
from .permissions import can_edit_group, can_manage_memberships, can_view_group
from .selectors import liaison_by_council


def _group(request, slug, can_change=None):
    return get_object_for_user(
        Group.objects.all(), request.user, can_view=can_view_group, can_change=can_change, slug=slug
    )


def _group_url(group, name="workinggroups:group_detail"):
    return reverse(name, args=[group.slug])


def _crumbs(group, *steps):
    crumbs = [(_("Groups"), reverse("workinggroups:group_list"))]
    if group is not None:
        crumbs.append((group.name, _group_url(group)))
    return crumbs + list(steps)


# --- Groups ---------------------------------------------------------------------------------


def _group_form_page(request, title, crumbs, cancel_url, *, reload):
    def page(form, status=200):
        return render(
            request,
            "workinggroups/secretariat/group_form.html",
            {"form": form or reload(), "title": title, "crumbs": crumbs, "cancel_url": cancel_url},
            status=status,
        )

    return page


def group_create(request):
    if not can_edit_group(request.user):
        raise PermissionDenied
    title = _("New group")
    crumbs = _crumbs(None, (title, None))
    form = GroupForm(request.POST or None, creating=True)

    def save(f, confirmed):
        return mandates.group_create(
            group=f.save(commit=False),
            councils=f.cleaned_data["councils"],
            priorities=f.cleaned_data["priorities"],
            by=request.user,
        )

    return change_page(
        request,
        form,
        save=save,
        page=_group_form_page(
            request,
            title,
            crumbs,
            reverse("workinggroups:group_list"),
            reload=lambda: GroupForm(creating=True),
        ),
        success_url=lambda g: _group_url(g, "workinggroups:group_memberships"),
        success_message=_(
            "The group was created as proposed. Add its co-chairs and its representatives on "
            "the councils it reports to."
        ),
        cancel_url=reverse("workinggroups:group_list"),
        crumbs=crumbs,
    )


def group_edit(request, slug):
    group = _group(request, slug, can_change=lambda u, g: can_edit_group(u, g))
    title = _("Edit the group")
    crumbs = _crumbs(group, (title, None))
    form = GroupForm(request.POST or None, instance=group)

    def save(f, confirmed):
        return mandates.group_update(
            group=f.save(commit=False),
            councils=f.cleaned_data["councils"],
            priorities=f.cleaned_data["priorities"],
            by=request.user,
            seen=f.cleaned_data["revision"],
            reason=f.cleaned_data["reason"],
            confirmed=confirmed,
        )

    return change_page(
        request,
        form,
        save=save,
        page=_group_form_page(
            request,
            title,
            crumbs,
            _group_url(group),
            reload=lambda: GroupForm(instance=_group(request, slug)),
        ),
        success_url=_group_url,
        success_message=_("The group was saved."),
        cancel_url=_group_url(group),
        crumbs=crumbs,
    )


def mandate_history(request, slug):
    """The mandate's versions, newest first (who, when, why, which reviews read each), and
    two of them compared word by word in the reader's language, the other language below."""
    group = _group(request, slug)
    versions = list(
        MandateVersion.objects.filter(group=group)
        .select_related("by")
        .prefetch_related(
            Prefetch("reviews", queryset=MandateReview.objects.order_by("-review_date", "-pk"))
        )
        .order_by("-number")
    )
    by_number = {v.number: v for v in versions}
    a, b = parse_int(request.GET.get("a")), parse_int(request.GET.get("b"))
    if a not in by_number or b not in by_number:
        numbers = sorted(by_number)
        b = numbers[-1] if numbers else None
        a = numbers[-2] if len(numbers) > 1 else b
    comparison = None
    if a is not None:
        older, newer = sorted([by_number[a], by_number[b]], key=lambda v: v.number)
        reader = current_language()
        comparison = {
            "older": older,
            "newer": newer,
            "languages": [
                _language_diff(older, newer, lang)
                for lang in [reader, *[x for x in LANGUAGES if x != reader]]
            ],
        }
    return render(
        request,
        "workinggroups/secretariat/mandate_history.html",
        {
            "group": group,
            "versions": versions,
            "comparison": comparison,
            "can_edit": can_edit_group(request.user, group),
        },
    )


def _language_diff(older, newer, lang):
    old = pick({x: getattr(older, f"mandate_{x}") for x in LANGUAGES}, lang)
    new = pick({x: getattr(newer, f"mandate_{x}") for x in LANGUAGES}, lang)
    return {
        "lang": lang,
        "label": LANGUAGE_LABELS[lang],
        "diff": inline_diff(str(old), str(new)),
        "same": str(old) == str(new),
        # The text shown is the other language's where this one is missing: say so.
        "fallback": old.is_fallback or new.is_fallback,
        "shown_lang": new.lang if new else old.lang,
    }


# --- Memberships ----------------------------------------------------------------------------


def _terms(rows, today):
    soon = today + datetime.timedelta(days=ENDING_SOON_DAYS)
    for m in rows:
        m.ends_soon = m.end_date is not None and today <= m.end_date <= soon
    return rows


def group_memberships(request, slug):
    """The secretariat's page of a group's memberships: co-chairs, council representatives and
    members with their terms (ending soon marked), the liaison on each council, terms to
    come, past terms (paginated) and the latest changes with who, when and why. The same for
    everyone who may manage the group's memberships: kept as HTML per data version of the
    groups and people domains, day and page asked for (issue 17: 9 queries a view, 4.3x the
    empty page at scale 100)."""
    group = get_object_for_user(
        Group.objects.prefetch_related("councils"),
        request.user,
        can_view=can_view_group,
        can_change=lambda u, g: can_manage_memberships(u, g),
        slug=slug,
    )
    body = kept_page_part(
        request,
        "group-memberships",
        (group.pk,),
        "workinggroups/secretariat/memberships_body.html",
        lambda: _group_memberships(request, group),
        domains=(GROUPS, PEOPLE),
    )
    return render(
        request, "workinggroups/secretariat/memberships.html", {"group": group, "body": body}
    )


def _group_memberships(request, group):
    today = timezone.localdate()
    base = GroupMembership.objects.filter(group=group).select_related(
        "user", "user__profile", "user__profile__jurisdiction", "council"
    )
    open_terms = _terms(
        list(
            base.filter(Q(end_date__isnull=True) | Q(end_date__gte=today)).order_by(
                "role", "user__last_name", "user__first_name", "pk"
            )
        ),
        today,
    )
    current = [m for m in open_terms if m.start_date <= today]
    roles = GroupMembership.Role
    past = Paginator(base.filter(end_date__lt=today).order_by("-end_date", "-pk"), 10)
    past_page = past.get_page(request.GET.get("page"))
    changes = (
        GroupMembership.history.filter(group_id=group.pk)
        .select_related("history_user", "user", "council")
        .order_by("-history_date", "-history_id")[:15]
    )
    return {
        "group": group,
        "co_chairs": [m for m in current if m.role == roles.CO_CHAIR],
        "representatives": [m for m in current if m.role == roles.REPRESENTATIVE],
        "members": [m for m in current if m.role == roles.MEMBER],
        "upcoming": [m for m in open_terms if m.start_date > today],
        "liaisons": liaison_by_council(group, memberships=current),
        "page_obj": past_page,
        "paginator": past,
        "is_paginated": past_page.has_other_pages(),
        "page_range": past.get_elided_page_range(past_page.number),
        "changes": changes,
    }


def _membership(request, pk):
    return get_object_for_user(
        GroupMembership.objects.select_related("group", "user", "user__profile", "council"),
        request.user,
        can_view=lambda u, m: can_view_group(u, m.group),
        can_change=lambda u, m: can_manage_memberships(u, m.group),
        pk=pk,
    )


def _memberships_url(group):
    return _group_url(group, "workinggroups:group_memberships")


def _membership_crumbs(group, title):
    return _crumbs(group, (_("Memberships"), _memberships_url(group)), (title, None))


def _membership_form_page(request, group, title, *, reload):
    def page(form, status=200):
        return render(
            request,
            "councils/membership_form.html",
            {
                "form": form or reload(),
                "title": title,
                "crumbs": _membership_crumbs(group, title),
                "cancel_url": _memberships_url(group),
            },
            status=status,
        )

    return page


def membership_create(request, slug):
    group = _group(request, slug, can_change=lambda u, g: can_manage_memberships(u, g))
    title = _("Add a person to %(group)s") % {"group": group.name}
    initial = {"start_date": timezone.localdate(), "role": request.GET.get("role")}
    council = request.GET.get("council")
    if council:
        initial["council"] = group.councils.filter(code=council).first()
    form = GroupMembershipForm(
        request.POST or None, instance=GroupMembership(group=group), initial=initial
    )

    def save(f, confirmed):
        return memberships.membership_save(
            membership=f.save(commit=False),
            by=request.user,
            reason=f.cleaned_data["reason"],
            confirmed=confirmed,
        )

    return change_page(
        request,
        form,
        save=save,
        page=_membership_form_page(
            request,
            group,
            title,
            reload=lambda: GroupMembershipForm(instance=GroupMembership(group=group)),
        ),
        success_url=_memberships_url(group),
        success_message=_("The membership was added."),
        cancel_url=_memberships_url(group),
        crumbs=_membership_crumbs(group, title),
    )


def membership_edit(request, pk):
    membership = _membership(request, pk)
    group = membership.group
    title = _("Change the term of %(person)s") % {"person": person_name(membership.user)}
    form = GroupMembershipForm(request.POST or None, instance=membership, editing=True)

    def save(f, confirmed):
        return memberships.membership_save(
            membership=f.save(commit=False),
            by=request.user,
            seen=f.cleaned_data["revision"],
            reason=f.cleaned_data["reason"],
            confirmed=confirmed,
        )

    return change_page(
        request,
        form,
        save=save,
        page=_membership_form_page(
            request,
            group,
            title,
            reload=lambda: GroupMembershipForm(instance=_membership(request, pk), editing=True),
        ),
        success_url=_memberships_url(group),
        success_message=_("The term was changed."),
        cancel_url=_memberships_url(group),
        crumbs=_membership_crumbs(group, title),
    )


def membership_end(request, pk):
    """The confirmation page of ending a term (GET), and the ending itself (POST)."""
    membership = _membership(request, pk)
    group = membership.group
    title = _("End the term of %(person)s") % {"person": person_name(membership.user)}
    today = timezone.localdate()
    form = EndTermForm(
        request.POST or None, initial={"revision": membership.revision, "end_date": today}
    )

    def page(f, status=200):
        row = membership if f is not None else _membership(request, pk)
        return render(
            request,
            "councils/membership_end.html",
            {
                "form": f or EndTermForm(initial={"revision": row.revision, "end_date": today}),
                "membership": row,
                "ended": row.end_date is not None and row.end_date < today,
                "title": title,
                "crumbs": _membership_crumbs(group, title),
                "cancel_url": _memberships_url(group),
            },
            status=status,
        )

    def save(f, confirmed):
        return memberships.membership_end(
            membership=membership,
            by=request.user,
            end_date=f.cleaned_data["end_date"],
            seen=f.cleaned_data["revision"],
            reason=f.cleaned_data["reason"],
            confirmed=confirmed,
        )

    return change_page(
        request,
        form,
        save=save,
        page=page,
        success_url=_memberships_url(group),
        success_message=_("The term was ended."),
        cancel_url=_memberships_url(group),
        crumbs=_membership_crumbs(group, title),
    )
