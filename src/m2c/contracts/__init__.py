"""Contracts: contracts from won deals, versions, lines, sites, customer POs, handover, delivery and
acceptance, ATAC and ATCC reviews, and the customer's credit exposure (domain.md 6, 11.5)."""
