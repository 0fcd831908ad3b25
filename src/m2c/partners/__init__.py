"""Partners and channel (issue 12, domain.md 8): recruitment, tiers and certification per product category,
deal registration with conflict checks and protection, leads offered to partners, and the partner portal."""
