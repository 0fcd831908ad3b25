"""The insight router: requirements, segments with SPAN and $APPEALS, target-account lists."""

from . import backlog, market, plans, work  # noqa: F401 - register their routes on the router
from .requirements import router

__all__ = ["router"]
