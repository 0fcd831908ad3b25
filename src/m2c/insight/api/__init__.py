"""The insight router: requirements, segments with SPAN and $APPEALS, target-account lists."""

from . import market  # noqa: F401 - registers the market routes on the router
from .requirements import router

__all__ = ["router"]
