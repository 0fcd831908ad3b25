from django.contrib import admin

from .models import Campaign


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "journey_stage", "org_unit", "start_date", "end_date", "status"]
    list_filter = ["level", "journey_stage", "status"]
    search_fields = ["code", "name"]
    filter_horizontal = ["offering_lines"]


# Consent and responses (issue 11 items 4, 5): read-only here; consent rows are never changed (PIPL log),
# responses move only through their services.
from .models import CampaignResponse, Consent  # noqa: E402


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Consent)
class ConsentAdmin(_ReadOnly):
    list_display = ["subject", "subject_kind", "purpose", "granted", "source", "campaign", "recorded_at"]
    list_filter = ["purpose", "granted", "source", "subject_kind"]
    search_fields = ["subject", "evidence"]


@admin.register(CampaignResponse)
class CampaignResponseAdmin(_ReadOnly):
    list_display = ["campaign", "type", "source", "name", "company", "responded_at", "convert_due_at", "status"]
    list_filter = ["type", "source", "status"]
    search_fields = ["name", "company", "email", "phone"]
