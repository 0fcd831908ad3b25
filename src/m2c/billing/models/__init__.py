"""Billing tables by aggregate: milestones and billing items, invoices and credit notes, cash, disputes, dunning."""

from .cash import Allocation, BankStatement, Receipt, Refund  # noqa: F401
from .disputes import Dispute  # noqa: F401
from .dunning import CollectionCase, CustomerEmail, DunningStep  # noqa: F401
from .invoices import CreditNote, Invoice, InvoiceLine  # noqa: F401
from .milestones import BillingItem, BillingMilestone  # noqa: F401
