from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Competitor, Requirement, SpanCriterion, SpanSettings


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin):
    """Requirements change only through their commands; the admin shows them."""

    list_display = ["number", "title", "status", "offering_line", "urgency", "business_value", "currency"]
    list_filter = ["status", "urgency", "source_type", "offering_line"]
    search_fields = ["number", "title"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SpanCriterion)
class SpanCriterionAdmin(admin.ModelAdmin):
    """The SPAN criteria and their weights: configuration, changed here by administrators."""

    list_display = ["code", "name", "name_en", "axis", "weight", "position", "active"]
    list_editable = ["weight", "position", "active"]
    list_filter = ["axis", "active"]


@admin.register(SpanSettings)
class SpanSettingsAdmin(admin.ModelAdmin):
    """The quadrant midpoint and the financial gate (one row)."""

    list_display = ["__str__", "midpoint", "gate_min_revenue", "gate_currency", "gate_min_margin_pct"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SpanSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Competitor)
class CompetitorAdmin(admin.ModelAdmin):
    """The competitor registry that segment shares and $APPEALS scores name."""

    list_display = ["name", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name"]
