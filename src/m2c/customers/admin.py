from django.contrib import admin

from .models import Contact, Customer, Territory


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "title", "decision_role", "email", "phone", "active"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    """Read-only here: customers change through the app so every change is validated and logged."""

    list_display = ["legal_name", "credit_code", "org_unit", "industry", "tier", "ar_owner", "compliance_status"]
    list_filter = ["tier", "industry", "compliance_status", "credit_hold"]
    search_fields = ["legal_name", "normalized_name", "credit_code"]
    inlines = [ContactInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    """The territory map (province → region, industry → customer group): routing data administrators edit.

    Saving reloads the leads app's routing reference (``leads/apps.py`` listens to Territory saves)."""

    list_display = ["kind", "key", "org_unit"]
    list_filter = ["kind"]
    search_fields = ["key", "org_unit__name"]
    ordering = ["kind", "key"]
