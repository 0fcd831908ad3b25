"""Event types of the customers app."""

from django.utils.translation import gettext_lazy as _

from m2c.core.events import register

CUSTOMER_CREATED = register("customers.customer.created", _("Customer created"))
CUSTOMER_UPDATED = register("customers.customer.updated", _("Customer updated"))
CUSTOMER_COMPLIANCE_CHANGED = register("customers.customer.compliance_changed", _("Compliance status changed"))
CONTACT_ADDED = register("customers.contact.added", _("Contact added"))
CONTACT_UPDATED = register("customers.contact.updated", _("Contact updated"))
