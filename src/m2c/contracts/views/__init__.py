"""Pages of the contracts app: the list and its export, one contract with its forms and commands."""

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
