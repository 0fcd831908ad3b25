"""Event types of the customers app, each with its payload schema."""

from django.utils.translation import gettext_lazy as _

from m2c.core.events import Changes, EventPayload, NoPayload, register


class CustomerCreated(EventPayload):
    legal_name: str
    credit_code: str


class ContactAdded(EventPayload):
    contact_id: str
    name: str


class ContactUpdated(Changes):
    contact_id: str
    name: str


CUSTOMER_CREATED = register("customers.customer.created", _("Customer created"), CustomerCreated)
CUSTOMER_UPDATED = register("customers.customer.updated", _("Customer updated"), Changes)
CUSTOMER_COMPLIANCE_CHANGED = register("customers.customer.compliance_changed", _("Compliance status changed"), NoPayload)
CONTACT_ADDED = register("customers.contact.added", _("Contact added"), ContactAdded)
CONTACT_UPDATED = register("customers.contact.updated", _("Contact updated"), ContactUpdated)
