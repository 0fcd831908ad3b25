"""The insight router: requirements, segments with SPAN and $APPEALS, target-account lists."""

from . import backlog, market, plans  # noqa: F401 - register the backlog, market and plan routes on the router
from .requirements import router

__all__ = ["router"]
