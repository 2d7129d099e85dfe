"""What each endpoint says about a row. Every bilingual field is given in both languages,
`<field>_en` and `<field>_fr`; people are named, never with their e-mail address."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from councils.models import Council, Decision, Meeting, person_name
from funding.models import FundingRequest
from strategy.models import ProgressState, StrategicPlan
from workinggroups.models import Group, GroupMembership, Objective


def _codes(field):
    return serializers.SlugRelatedField(many=True, read_only=True, slug_field=field)


class PersonNameField(serializers.Field):
    def to_representation(self, user):
        return person_name(user)


extend_schema_field(OpenApiTypes.STR)(PersonNameField)


class CouncilSerializer(serializers.ModelSerializer):
    co_chairs = serializers.SerializerMethodField()

    class Meta:
        model = Council
        fields = [
            "id",
            "code",
            "name_en",
            "name_fr",
            "acronym_en",
            "acronym_fr",
            "description_en",
            "description_fr",
            "co_chairs",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_co_chairs(self, council):
        return [person_name(m.user) for m in council.co_chair_memberships]


def _date(value):
    """A date as DRF's DateField gives it (ISO 8601), or None."""
    return value.isoformat() if value else None


class MembershipSerializer(serializers.ModelSerializer):
    person = PersonNameField(source="user")
    council = serializers.SlugRelatedField(read_only=True, slug_field="code", allow_null=True)

    # What api.views.attach_listed reads of each membership, as values.
    COLUMNS = (
        "id",
        "user__first_name",
        "user__last_name",
        "user__username",
        "role",
        "council__code",
        "start_date",
        "end_date",
    )

    class Meta:
        model = GroupMembership
        fields = ["id", "person", "role", "council", "start_date", "end_date"]

    @staticmethod
    def from_row(row):
        """A membership read as values (COLUMNS), as the fields above give it: the person's
        full name, else their username (councils.models.person_name)."""
        name = f"{row['user__first_name']} {row['user__last_name']}".strip()
        return {
            "id": row["id"],
            "person": name or row["user__username"],
            "role": row["role"],
            "council": row["council__code"],
            "start_date": _date(row["start_date"]),
            "end_date": _date(row["end_date"]),
        }


class GroupSerializer(serializers.ModelSerializer):
    """The fields below describe the schema; `to_representation` gives them from what
    api.views.attach_listed loaded, without DRF's field-by-field walk (issue 17: 3 ms of the
    endpoint's 25 groups and their memberships). api/tests/test_api_groups.py checks that it
    gives exactly what DRF's own ModelSerializer gives, field for field, for every persona."""

    parent = serializers.SlugRelatedField(read_only=True, slug_field="slug", allow_null=True)
    councils = _codes("code")
    priorities = _codes("code")
    memberships = MembershipSerializer(many=True, read_only=True, source="current_memberships")

    class Meta:
        model = Group
        fields = [
            "id",
            "slug",
            "kind",
            "status",
            "parent",
            "name_en",
            "name_fr",
            "mandate_en",
            "mandate_fr",
            "start_date",
            "end_date",
            "councils",
            "priorities",
            "memberships",
        ]

    # The group's columns the representation reads (api.views.GroupViewSet.load): its own
    # fields, and its parent's short name.
    COLUMNS = tuple(
        "parent__slug" if name == "parent" else name
        for name in Meta.fields
        if name not in ("id", "councils", "priorities", "memberships")
    )

    def to_representation(self, group):
        return {
            "id": group.pk,
            "slug": group.slug,
            "kind": group.kind,
            "status": group.status,
            "parent": group.parent.slug if group.parent_id else None,
            "name_en": group.name_en,
            "name_fr": group.name_fr,
            "mandate_en": group.mandate_en,
            "mandate_fr": group.mandate_fr,
            "start_date": _date(group.start_date),
            "end_date": _date(group.end_date),
            "councils": group.council_codes,
            "priorities": group.priority_codes,
            "memberships": [MembershipSerializer.from_row(row) for row in group.membership_rows],
        }


class ObjectiveSerializer(serializers.ModelSerializer):
    group = serializers.SlugRelatedField(read_only=True, slug_field="slug")
    priority = serializers.SlugRelatedField(read_only=True, slug_field="code", allow_null=True)
    rebaselined = serializers.SerializerMethodField(
        help_text="The deadline was moved: `original_due_date` is the first one."
    )

    class Meta:
        model = Objective
        fields = [
            "id",
            "group",
            "kind",
            "priority",
            "title_en",
            "title_fr",
            "description_en",
            "description_fr",
            "status",
            "due_date",
            "original_due_date",
            "completed_on",
            "rebaselined",
        ]

    def get_rebaselined(self, objective) -> bool:
        return bool(
            objective.original_due_date and objective.original_due_date != objective.due_date
        )


class RollupSerializer(serializers.Serializer):
    """A plan's progress, weighted: `progress` = 100 × done weight / weight of the items not
    cancelled (null when nothing counts); the item counts per progress state."""

    total_weight = serializers.IntegerField()
    done_weight = serializers.IntegerField()
    progress = serializers.FloatField(allow_null=True)
    item_count = serializers.IntegerField()
    group_count = serializers.IntegerField()
    not_started = serializers.IntegerField()
    on_track = serializers.IntegerField()
    at_risk = serializers.IntegerField()
    late = serializers.IntegerField()
    done = serializers.IntegerField()
    cancelled = serializers.IntegerField()


assert set(RollupSerializer._declared_fields) >= set(ProgressState.values)


class PriorityRollupSerializer(RollupSerializer):
    priority_code = serializers.CharField(allow_null=True)


class PlanSerializer(serializers.ModelSerializer):
    council = serializers.SlugRelatedField(read_only=True, slug_field="code", allow_null=True)
    rollup = serializers.SerializerMethodField()
    rollup_by_priority = serializers.SerializerMethodField()

    class Meta:
        model = StrategicPlan
        fields = [
            "id",
            "council",
            "title_en",
            "title_fr",
            "summary_en",
            "summary_fr",
            "status",
            "first_fiscal_year",
            "last_fiscal_year",
            "adopted_at",
            "rollup",
            "rollup_by_priority",
        ]

    @extend_schema_field(RollupSerializer)
    def get_rollup(self, plan):
        return RollupSerializer(self.context["rollups"][plan.pk]).data

    @extend_schema_field(PriorityRollupSerializer(many=True))
    def get_rollup_by_priority(self, plan):
        rows = self.context["rollups_by_priority"].get(plan.pk, [])
        return PriorityRollupSerializer(rows, many=True).data


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["id", "number", "text_en", "text_fr", "agenda_item"]


class MeetingSerializer(serializers.ModelSerializer):
    councils = _codes("code")
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "title_en",
            "title_fr",
            "location_en",
            "location_fr",
            "starts_at",
            "ends_at",
            "status",
            "minutes_status",
            "councils",
            "decisions",
        ]


class FundingRequestSerializer(serializers.ModelSerializer):
    """The fields below describe the schema; `to_representation` gives them from the request,
    its group's slug and the `priority_codes` api.views.attach_priority_codes read, without
    DRF's field-by-field walk and the priorities' prefetch (issue 17: the endpoint was 3.2x the
    empty page at scale 1,000, its time in Python). Amounts and times still go through DRF's
    own fields, which format them. api/tests/test_api_funding.py checks that it gives exactly
    what DRF's own ModelSerializer gives, field for field, for every persona."""

    group = serializers.SlugRelatedField(read_only=True, slug_field="slug")
    priorities = _codes("code")

    class Meta:
        model = FundingRequest
        fields = [
            "id",
            "group",
            "title_en",
            "title_fr",
            "summary_en",
            "summary_fr",
            "status",
            "fiscal_year",
            "amount_requested",
            "amount_approved",
            "priorities",
            "meeting",
            "submitted_at",
            "decided_at",
        ]

    def to_representation(self, request):
        def formatted(name):
            # As DRF's own field formats it (decimals as strings to the cent, times in the
            # portal's time zone); null stays null, as DRF gives it.
            value = getattr(request, name)
            return None if value is None else self.fields[name].to_representation(value)

        return {
            "id": request.pk,
            "group": request.group.slug,
            "title_en": request.title_en,
            "title_fr": request.title_fr,
            "summary_en": request.summary_en,
            "summary_fr": request.summary_fr,
            "status": request.status,
            "fiscal_year": request.fiscal_year,
            "amount_requested": formatted("amount_requested"),
            "amount_approved": formatted("amount_approved"),
            "priorities": request.priority_codes,
            "meeting": request.meeting_id,
            "submitted_at": formatted("submitted_at"),
            "decided_at": formatted("decided_at"),
        }
