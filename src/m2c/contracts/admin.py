"""Read-mostly admin screens: contracts change only through their services."""

from django.contrib import admin

from .models import AcceptanceCertificate, Contract, ContractVersion


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "customer", "status", "total_value", "currency", "signed_on")
    list_filter = ("status",)
    search_fields = ("number", "title", "customer__legal_name")
    readonly_fields = [f.name for f in Contract._meta.fields]

    def has_add_permission(self, request):  # noqa: ANN001, ANN201
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False


@admin.register(ContractVersion)
class ContractVersionAdmin(admin.ModelAdmin):
    list_display = ("contract", "number", "effective_at", "total_value", "currency")
    readonly_fields = [f.name for f in ContractVersion._meta.fields]

    def has_add_permission(self, request):  # noqa: ANN001, ANN201
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False


@admin.register(AcceptanceCertificate)
class AcceptanceCertificateAdmin(admin.ModelAdmin):
    list_display = ("contract", "type", "signed_on", "signatory", "value_covered")
    list_filter = ("type",)
