"""The opportunities API, one module per resource; every module adds its routes to ``router``."""

from . import config, gates, opportunities, quotes, records, reports  # noqa: F401  (registers the routes)
from ._common import router

__all__ = ["router"]
