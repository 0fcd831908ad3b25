"""Tables of the opportunities app, one module per aggregate. Import models from here."""

from m2c.core.models import BudgetStatus  # noqa: F401  (the budget choices live in core; re-exported)

from .authority import (  # noqa: F401
    AnswerType,
    AuthorityMatrix,
    AuthorityRule,
    Checklist,
    ChecklistItem,
    DecisionBody,
    DecisionBodyMember,
    Dimension,
    DiscountAuthority,
    Operator,
    PaymentTermDeviation,
)
from .catalogue import (  # noqa: F401
    PriceList,
    PriceListItem,
    Product,
)
from .common import (  # noqa: F401
    PERCENT,
    Level3,
)
from .config import (  # noqa: F401
    CompanyProfile,
    OpportunitySettings,
)
from .gates import (  # noqa: F401
    DecidedReviewIsImmutable,
    GateAnswer,
    GateCondition,
    GateReview,
)
from .opportunity import (  # noqa: F401
    Activity,
    Competitor,
    Opportunity,
    PipelineTotal,
    Program,
    Risk,
    Stakeholder,
    TeamAssignment,
)
from .quotes import (  # noqa: F401
    Bid,
    Quote,
    QuoteLine,
)
