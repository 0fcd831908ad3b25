"""Every write of the contracts app: one typed function per business command, ``<entity>_<verb>``."""

from .changes import (
    change_approve,
    change_reject,
    change_request,
    change_submit,
    change_update,
    change_withdraw,
)
from .closure import contract_evaluation_save
from .contracts import (
    contract_close,
    contract_create_from_won,
    contract_fulfil,
    contract_handover,
    contract_resume,
    contract_suspend,
    contract_terminate,
    contract_version_create,
    site_save,
)
from .delivery import certificate_record, purchase_order_record, shipment_record
from .reviews import contract_review_open

__all__ = [
    "change_approve", "change_reject", "change_request", "change_submit", "change_update", "change_withdraw",
    "contract_evaluation_save",
    "certificate_record", "contract_close", "contract_create_from_won", "contract_fulfil", "contract_handover",
    "contract_resume", "contract_review_open", "contract_suspend", "contract_terminate", "contract_version_create",
    "purchase_order_record", "shipment_record", "site_save",
]
