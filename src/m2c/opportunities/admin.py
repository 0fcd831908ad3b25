"""Configuration screens: settings, decision bodies, checklists, catalogue. Business records are read-only
here; they change only through the services (and a decided gate review never changes)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from m2c.core.admin import ReadOnlyAdmin

from .models import (
    AuthorityMatrix,
    AuthorityRule,
    Checklist,
    ChecklistItem,
    CompanyProfile,
    DecisionBody,
    DecisionBodyMember,
    DiscountAuthority,
    GateReview,
    Opportunity,
    OpportunitySettings,
    PriceList,
    PriceListItem,
    Product,
)


@admin.register(Opportunity)
class OpportunityAdmin(ReadOnlyAdmin):
    list_display = ["name", "customer", "stage", "grade", "amount", "currency", "owner", "expected_sign_date"]
    list_filter = ["stage", "grade", "currency", "region"]
    search_fields = ["name", "customer__legal_name"]


@admin.register(GateReview)
class GateReviewAdmin(ReadOnlyAdmin):
    list_display = ["opportunity", "gate_type", "sequence", "status", "required_level", "decision", "decided_at"]
    list_filter = ["gate_type", "status", "decision", "required_level"]


class AuthorityRuleInline(admin.TabularInline):
    model = AuthorityRule
    extra = 0
    can_delete = False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DiscountAuthorityInline(AuthorityRuleInline):
    model = DiscountAuthority


@admin.register(AuthorityMatrix)
class AuthorityMatrixAdmin(ReadOnlyAdmin):
    """Published versions are shown, never edited: publish a new version through the API."""

    list_display = ["version", "name", "effective_from", "published_by"]
    inlines = [AuthorityRuleInline, DiscountAuthorityInline]


class MemberInline(admin.TabularInline):
    model = DecisionBodyMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(DecisionBody)
class DecisionBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "org_unit", "active"]
    list_filter = ["level", "active"]
    inlines = [MemberInline]


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ["gate_type", "version", "name", "active"]
    list_filter = ["gate_type", "active"]
    inlines = [ChecklistItemInline]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "offering_line", "kind", "unit", "standard_cost", "cost_currency", "active"]
    list_filter = ["offering_line", "kind", "active"]
    search_fields = ["code", "name", "name_en"]


class PriceListItemInline(admin.TabularInline):
    model = PriceListItem
    extra = 0
    autocomplete_fields = ["product"]


@admin.register(PriceList)
class PriceListAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "currency", "valid_from", "valid_to", "active"]
    inlines = [PriceListItemInline]


@admin.register(OpportunitySettings)
class OpportunitySettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "atb_lead_working_days", "grade_a_threshold", "grade_b_threshold"]


@admin.register(CompanyProfile)
class CompanyProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "phone", "website"]
