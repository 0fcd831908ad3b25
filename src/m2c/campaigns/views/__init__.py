"""Campaign pages (``campaigns``) and budget pages (``budgets``)."""

from .assets import (  # noqa: F401
    asset_command,
    asset_create,
    asset_detail,
    asset_download,
    asset_edit,
    asset_list,
    asset_version_upload,
    campaign_asset_link,
    campaign_asset_unlink,
)
from .budgets import (  # noqa: F401
    budget_allocate,
    budget_create,
    budget_detail,
    budget_list,
    expense_add,
    expense_evidence,
    reapprove,
)
from .campaigns import (  # noqa: F401
    campaign_command,
    campaign_create,
    campaign_detail,
    campaign_edit,
    campaign_list,
)
from .checkin import checkin  # noqa: F401
from .evaluations import evaluation_record  # noqa: F401
from .lead_quality import lead_quality_report  # noqa: F401
from .nurture import nurture  # noqa: F401
from .plan import campaign_plan  # noqa: F401
from .responses import invite, register, registered, response_convert, response_list, unsubscribe  # noqa: F401
