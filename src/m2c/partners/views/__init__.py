"""Pages of the partners app: the channel manager's partner list, partner pages, the registration review
with conflicts side by side and the certification coverage; the partner portal (a partner user's home,
leads offered to them, registrations, certificates and staff)."""

from .partners import (  # noqa: F401
    certification_command,
    certification_create,
    partner_command,
    partner_create,
    partner_detail,
    partner_list,
)
from .performance import channel_performance  # noqa: F401
from .registrations import (  # noqa: F401
    offer_command,
    offer_list,
    registration_command,
    registration_create,
    registration_detail,
    registration_list,
)
