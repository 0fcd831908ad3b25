from django.contrib import admin

from .models import Campaign


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "journey_stage", "org_unit", "start_date", "end_date", "status"]
    list_filter = ["level", "journey_stage", "status"]
    search_fields = ["code", "name"]
    filter_horizontal = ["offering_lines"]
