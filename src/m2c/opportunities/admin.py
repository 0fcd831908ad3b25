from django.contrib import admin

from .models import Opportunity


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["name", "customer", "stage", "amount", "currency", "owner", "expected_sign_date"]
    list_filter = ["stage", "currency"]
    search_fields = ["name", "customer__legal_name"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
