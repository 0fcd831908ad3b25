"""Partners and channel: the tables (domain.md 8, 10.1)."""

from .certification import IndividualCertificate, PartnerCertification  # noqa: F401
from .incentives import IncentiveAccrual, IncentivePolicy  # noqa: F401
from .mdf import MdfApplication, MdfClaimLine, MdfQuota  # noqa: F401
from .partner import (  # noqa: F401
    TIER_1,
    TIER_2,
    ExpertRole,
    Partner,
    PartnerAgreement,
    PartnerContact,
    PartnerStaff,
    PartnerTerritory,
    PartnerTier,
    TierType,
)
from .registration import DealRegistration, LeadOffer, Rejection  # noqa: F401
from .spq import SpecialPriceRequest  # noqa: F401
