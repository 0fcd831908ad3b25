"""Administration of master data; the event log is shown read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, CalendarDay, Currency, Event, FxRate, OfferingLine, OrgUnit, User

admin.site.site_header = _("m2c administration")
admin.site.site_title = _("m2c administration")


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "type", "parent", "manager", "active"]
    list_filter = ["type", "active"]
    search_fields = ["code", "name", "name_en"]
    autocomplete_fields = ["parent", "manager"]
    readonly_fields = ["path"]


@admin.register(OfferingLine)
class OfferingLineAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "product_category", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name", "name_en", "product_category", "keywords"]
    fields = ["code", "name", "name_en", "product_category", "keywords", "active"]


@admin.register(Currency)
class CurrencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "minor_units", "active"]
    search_fields = ["code", "name"]


@admin.register(FxRate)
class FxRateAdmin(admin.ModelAdmin):
    list_display = ["currency", "quote_currency", "rate", "valid_on", "source"]
    list_filter = ["currency", "quote_currency"]
    date_hierarchy = "valid_on"


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "email", "org_unit", "is_active", "is_staff"]
    list_filter = ["groups", "is_active", "is_staff"]
    search_fields = ["username", "display_name", "email"]
    autocomplete_fields = ["org_unit"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Organisation"), {"fields": ("display_name", "org_unit", "phone", "preferred_language")}),
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never changed here: records that change only through their services (any app's admin)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "event_type", "subject_type", "subject_id", "actor", "from_state", "to_state"]
    list_filter = ["event_type", "subject_type"]
    search_fields = ["subject_id", "event_type", "request_id"]
    date_hierarchy = "occurred_at"


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    exclude = ["key_hash"]
