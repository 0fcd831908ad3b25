"""Tables of the contracts app."""

from .changes import ChangeRequest, ContractEvaluation  # noqa: F401
from .contract import PERCENT, Contract, ContractLine, ContractVersion, ImmutableRecord, Site  # noqa: F401
from .delivery import AcceptanceCertificate, DeliveryProject, PurchaseOrder, Shipment  # noqa: F401
