from django.conf import settings
from django.db.models import Prefetch
from django.views.generic import DetailView
from django_filters.views import FilterView

from councils.views import ReaderRequiredMixin

from .filters import GroupFilter
from .models import Group, GroupMembership, Objective
from .selectors import group_list_queryset, liaison_by_council


class GroupListView(ReaderRequiredMixin, FilterView):
    template_name = "workinggroups/group_list.html"
    filterset_class = GroupFilter
    context_object_name = "groups"
    paginate_by = settings.PORTAL_PAGE_SIZE

    def get_queryset(self):
        return group_list_queryset()


class GroupDetailView(ReaderRequiredMixin, DetailView):
    template_name = "workinggroups/group_detail.html"
    context_object_name = "group"

    def get_queryset(self):
        members = GroupMembership.objects.active().select_related(
            "user", "user__profile", "user__profile__jurisdiction", "council"
        )
        return Group.objects.select_related("parent").prefetch_related(
            "councils",
            "priorities",
            "children",
            Prefetch("memberships", queryset=members, to_attr="current_memberships"),
            Prefetch(
                "objectives",
                queryset=Objective.objects.select_related("priority").order_by("due_date", "pk"),
                to_attr="objective_list",
            ),
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        group = self.object
        roles = GroupMembership.Role
        ctx["co_chairs"] = [m for m in group.current_memberships if m.role == roles.CO_CHAIR]
        ctx["members"] = [m for m in group.current_memberships if m.role == roles.MEMBER]
        ctx["liaisons"] = liaison_by_council(group)
        return ctx
