"""Configuration screens: the lead rules (weights, thresholds, windows) and the routing table."""

from django.contrib import admin

from .models import Lead, LeadImport, LeadSettings, RoutingRule


@admin.register(LeadSettings)
class LeadSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "duplicate_window_days", "match_threshold", "accept_sla_days", "warm_threshold", "hot_threshold"]

    def has_add_permission(self, request):  # one row only
        return not LeadSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["priority", "name", "active", "region", "customer_group", "industry", "offering_line", "tier",
                    "min_score", "target", "target_user", "target_unit", "capacity"]
    list_editable = ["active"]
    list_filter = ["active", "target"]
    ordering = ["priority"]


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    """Read-only: leads change only through their commands (pages and API)."""

    list_display = ["title", "status", "score", "temperature", "owner", "created_at"]
    list_filter = ["status", "temperature", "channel"]
    search_fields = ["title", "raw_customer_name", "contact_email"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LeadImport)
class LeadImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "status", "dry_run", "processed", "created", "merged", "invalid", "rejected", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False
