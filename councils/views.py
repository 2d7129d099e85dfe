from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.views.generic import DetailView, ListView

from core.bilingual import translated_order

from .models import Council, CouncilMembership, Jurisdiction, Priority
from .permissions import is_portal_reader


class ReaderRequiredMixin:
    """Pages of the directory: people with a current council or group role."""

    def dispatch(self, request, *args, **kwargs):
        if not is_portal_reader(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _active_memberships(role=None):
    qs = CouncilMembership.objects.active().select_related(
        "user", "user__profile", "jurisdiction", "user__profile__jurisdiction"
    )
    if role:
        qs = qs.filter(role=role)
    return qs.order_by("jurisdiction__kind", "jurisdiction__name_en", "user__last_name")


class CouncilListView(ReaderRequiredMixin, ListView):
    template_name = "councils/council_list.html"
    context_object_name = "councils"

    def get_queryset(self):
        return Council.objects.annotate(
            member_count=Count(
                "memberships",
                filter=Q(memberships__in=CouncilMembership.objects.active()),
                distinct=True,
            ),
            group_count=Count("groups", distinct=True),
        ).prefetch_related(
            Prefetch(
                "memberships",
                queryset=_active_memberships(CouncilMembership.Role.CO_CHAIR),
                to_attr="co_chairs",
            )
        )


class CouncilDetailView(ReaderRequiredMixin, DetailView):
    template_name = "councils/council_detail.html"
    context_object_name = "council"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self):
        return Council.objects.prefetch_related(
            Prefetch("memberships", queryset=_active_memberships(), to_attr="current_memberships"),
            "priorities",
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        council = self.object
        memberships = council.current_memberships
        ctx["co_chairs"] = [m for m in memberships if m.role == CouncilMembership.Role.CO_CHAIR]
        ctx["secretariat"] = [
            m for m in memberships if m.role == CouncilMembership.Role.SECRETARIAT
        ]
        ctx["guests"] = [m for m in memberships if m.role == CouncilMembership.Role.GUEST]
        by_jurisdiction = {}
        for m in memberships:
            if m.role == CouncilMembership.Role.MEMBER:
                jurisdiction = m.jurisdiction or getattr(m.user.profile, "jurisdiction", None)
                by_jurisdiction.setdefault(jurisdiction, []).append(m)
        ctx["members_by_jurisdiction"] = sorted(
            by_jurisdiction.items(), key=lambda item: (item[0] is None, str(item[0] or ""))
        )
        ctx["groups"] = (
            council.groups.current()
            .order_by(translated_order("name"))
            .only("slug", "kind", "status", "name_en", "name_fr")
        )
        return ctx


class JurisdictionListView(ReaderRequiredMixin, ListView):
    template_name = "councils/jurisdiction_list.html"
    context_object_name = "jurisdictions"

    def get_queryset(self):
        return Jurisdiction.objects.annotate(
            member_count=Count(
                "council_memberships",
                filter=Q(council_memberships__in=CouncilMembership.objects.active()),
                distinct=True,
            ),
            declared_count=Count("declared_priorities", distinct=True),
        ).order_by("kind", translated_order("name"))


class PriorityListView(ReaderRequiredMixin, ListView):
    template_name = "councils/priority_list.html"
    context_object_name = "priorities"

    def get_queryset(self):
        return (
            Priority.objects.filter(is_active=True)
            .annotate(
                group_count=Count("groups", distinct=True),
                objective_count=Count("objectives", distinct=True),
            )
            .prefetch_related("outcomes", "councils")
        )


class PriorityDetailView(ReaderRequiredMixin, DetailView):
    template_name = "councils/priority_detail.html"
    context_object_name = "priority"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self):
        return Priority.objects.prefetch_related("outcomes", "councils")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["declared"] = self.object.declared_by.select_related("jurisdiction").order_by(
            "jurisdiction__kind", "jurisdiction__name_en"
        )
        ctx["groups"] = self.object.groups.current().order_by(translated_order("name"))
        return ctx
