"""API schemas of the insight app."""

from .market import *  # noqa: F403
from .requirements import (
    BacklogDealOut,
    BacklogRowOut,
    DisposeIn,
    RequirementLinkIn,
    RequirementNoteIn,
    RequirementOut,
    RequirementRaiseIn,
    Text,
)

__all__ = ["BacklogDealOut", "BacklogRowOut", "RequirementLinkIn", "RequirementRaiseIn", "DisposeIn", "RequirementNoteIn", "RequirementOut", "Text"]  # the market schemas: see .market
from .plans import (  # noqa: E402
    AccountActionIn,
    AccountActionOut,
    AccountContactIn,
    AccountContactOut,
    AccountLinkIn,
    BusinessPlanIn,
    BusinessPlanOut,
    BusinessPlanPatch,
    KeyAccountPlanIn,
    KeyAccountPlanOut,
)

__all__ += ["AccountActionIn", "AccountActionOut", "AccountContactIn", "AccountContactOut", "AccountLinkIn",
            "BusinessPlanIn", "BusinessPlanOut", "BusinessPlanPatch", "KeyAccountPlanIn", "KeyAccountPlanOut"]
from .plans import (  # noqa: E402
    CenterOut,
    InnovationMilestoneIn,
    InnovationMilestoneOut,
    InnovationOutputIn,
    InnovationProjectIn,
    InnovationProjectOut,
    InsightReportIn,
    InsightReportOut,
    InsightReportPatch,
)

__all__ += ["CenterOut", "InnovationMilestoneIn", "InnovationMilestoneOut", "InnovationOutputIn",
            "InnovationProjectIn", "InnovationProjectOut", "InsightReportIn", "InsightReportOut",
            "InsightReportPatch"]
