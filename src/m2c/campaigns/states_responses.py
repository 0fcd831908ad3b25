"""The small life cycles of registrations and responses, as data (``core.state_machine``).

A registration is checked in once (REGISTERED → ATTENDED); a response is converted once
(PENDING → CONVERTED). A second scan or a second conversion is answered by the service, not moved again.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from m2c.core.state_machine import StateMachine, t

from . import events_responses as events
from .models import RegistrationStatus, ResponseStatus

REGISTRATION_MACHINE = StateMachine(
    name=gettext_lazy("Registration"),  # type: ignore[arg-type]
    transitions=[t(RegistrationStatus.REGISTERED, RegistrationStatus.ATTENDED, event=events.REGISTRATION_CHECKED_IN)],
    terminal=frozenset({RegistrationStatus.ATTENDED}),
    labels=dict(RegistrationStatus.choices),
)

RESPONSE_MACHINE = StateMachine(
    name=gettext_lazy("Campaign response"),  # type: ignore[arg-type]
    transitions=[t(ResponseStatus.PENDING, ResponseStatus.CONVERTED, event=events.RESPONSE_CONVERTED)],
    terminal=frozenset({ResponseStatus.CONVERTED}),
    labels=dict(ResponseStatus.choices),
)
