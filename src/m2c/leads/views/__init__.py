"""Lead pages, one module per job; ``leads/urls.py`` names them through this package.

lists: the list with filters, saved views, export and bulk actions; my leads; the review list.
detail: the lead page and its actions, activities, contacts, touches, edit and conversion.
capture: manual entry with duplicate hints; merge with preview and undo.
public: a campaign's lead outcomes and the public web form.
(The import pages live in ``leads/views_imports.py``.)
"""

from .capture import duplicate_check, lead_create, merge, merge_undo
from .detail import lead_action, lead_activity, lead_contact, lead_convert, lead_detail, lead_edit, lead_touch
from .lists import (
    lead_bulk,
    lead_export,
    lead_list,
    my_leads,
    review_list,
    saved_view_create,
    saved_view_delete,
)
from .public import campaign_outcomes, web_form, web_form_thanks

__all__ = [
    "campaign_outcomes",
    "duplicate_check",
    "lead_action",
    "lead_activity",
    "lead_bulk",
    "lead_contact",
    "lead_convert",
    "lead_create",
    "lead_detail",
    "lead_edit",
    "lead_export",
    "lead_list",
    "lead_touch",
    "merge",
    "merge_undo",
    "my_leads",
    "review_list",
    "saved_view_create",
    "saved_view_delete",
    "web_form",
    "web_form_thanks",
]
