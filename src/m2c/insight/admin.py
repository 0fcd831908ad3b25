from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Requirement


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
