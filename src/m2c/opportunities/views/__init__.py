"""Pages of the opportunities app, by job. As thin as the API: parse, call a service or selector,
render. A service's refusal is shown beside the action that caused it and changes nothing."""

from ._common import (  # noqa: F401
    FILTER_KEYS,
)
from .deals import (  # noqa: F401
    COMMANDS,
    EXPORT_COLUMNS,
    board,
    board_move,
    opportunity_command,
    opportunity_create,
    opportunity_detail,
    opportunity_edit,
    opportunity_export,
    opportunity_list,
    record_add,
    record_remove,
    team_add,
    team_end,
)
from .gates import (  # noqa: F401
    condition_action,
    reasons_display,
    review_create,
    review_detail,
    review_file,
)
from .quotes import (  # noqa: F401
    line_remove,
    quote_create,
    quote_detail,
    quote_pdf,
)
from .reports import (  # noqa: F401
    configuration,
    inbox,
    reports,
)
