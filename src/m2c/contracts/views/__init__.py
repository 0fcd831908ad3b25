"""Pages of the contracts app: the list and its export, one contract with its forms and commands."""

from .changes import change_add, change_command, change_edit, evaluation_save  # noqa: F401
from .pages import (  # noqa: F401
    certificate_add,
    contract_command,
    contract_detail,
    contract_export,
    contract_file,
    contract_list,
    handover,
    purchase_order_add,
    review_open,
    shipment_add,
    site_add,
    site_edit,
)
