"""Market insight and requirements. Built out by its own issue; the opportunities issue adds the minimal
customer-requirement model that a lost deal raises (S16)."""
