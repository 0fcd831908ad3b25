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


class TerritorySaved(EventPayload):
    kind: str
    key: str
    org_unit: str


# The territory map kept on its settings page (issue 9 item 8).
TERRITORY_CREATED = register("customers.territory.created", _("Territory added"), TerritorySaved)
TERRITORY_UPDATED = register("customers.territory.updated", _("Territory changed"), Changes)
TERRITORY_DELETED = register("customers.territory.deleted", _("Territory removed"), TerritorySaved)
