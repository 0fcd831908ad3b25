"""API schemas of the insight app."""

from .market import *  # noqa: F403
from .requirements import DisposeIn, RequirementNoteIn, RequirementOut, Text

__all__ = ["DisposeIn", "RequirementNoteIn", "RequirementOut", "Text"]  # the market schemas: see .market
