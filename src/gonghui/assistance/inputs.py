"""What each hardship-file write takes, as the API schema describes it (the services read
the request's object themselves: these serializers only document it). The workflow's
transitions name theirs; api.py uses them for creating and editing files."""

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from gonghui.assistance.models import HardshipFile, HouseholdMember


def dates(**fields):
    """Optional date fields for an input's description."""
    return {name: serializers.DateField(required=False, help_text=h) for name, h in fields.items()}


class HouseholdMemberInput(serializers.Serializer):
    relation = serializers.ChoiceField(HouseholdMember.Relation.choices)
    name = serializers.CharField()
    id_number = serializers.CharField()
    work = serializers.ChoiceField(HouseholdMember.Work.choices)
    monthly_income = serializers.CharField(required=False, help_text="yuan, e.g. 1200.50")
    health = serializers.ChoiceField(HouseholdMember.Health.choices)
    disability = serializers.ChoiceField(HouseholdMember.Disability.choices, required=False)


class HardshipFileInput(serializers.Serializer):
    """A household's description. On PATCH, what is left out is kept; a `household` given
    replaces the members (the head's own line comes from the head_ fields)."""

    head_id_number = serializers.CharField(help_text="a current member in your scope")
    category = serializers.ChoiceField(HardshipFile.Category.choices)
    standard_level = serializers.ChoiceField(HardshipFile.StandardLevel.choices)
    main_cause = serializers.ChoiceField(HardshipFile.Cause.choices)
    other_causes = serializers.ListField(child=serializers.CharField(), required=False)
    situation = serializers.CharField(required=False)
    housing = serializers.ChoiceField(HardshipFile.Housing.choices)
    medical_insurance = serializers.ChoiceField(HardshipFile.MedicalInsurance.choices)
    bank_name = serializers.CharField(required=False)
    bank_card = serializers.CharField(required=False)
    head_work = serializers.ChoiceField(HouseholdMember.Work.choices)
    head_income = serializers.CharField(required=False, help_text="yuan a month")
    head_health = serializers.ChoiceField(HouseholdMember.Health.choices)
    head_disability = serializers.ChoiceField(HouseholdMember.Disability.choices, required=False)
    applied_on = serializers.DateField(required=False, help_text="default today")
    household = HouseholdMemberInput(many=True, required=False)
    note = serializers.CharField(required=False)


def step_input(name, **fields):
    return inline_serializer(name, {**fields, "note": serializers.CharField(required=False)})


NOTICE = {"workdays": serializers.IntegerField(required=False, min_value=5, help_text="default 5")}
