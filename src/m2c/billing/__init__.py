"""Billing and cash: milestones, billing items, invoices and credit notes, receipts and allocations."""
