"""Field types every opportunities schema uses."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, Field


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text cannot contain NUL characters")
    return value


def _sane_date(value: dt.date) -> dt.date:
    if not dt.date(1900, 1, 1) <= value <= dt.date(2200, 12, 31):
        raise ValueError("the date must be between 1900 and 2200")
    return value


def _sane_datetime(value: dt.datetime) -> dt.datetime:
    if not 1900 <= value.year <= 2200:
        raise ValueError("the moment must be between 1900 and 2200")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]


Day = Annotated[dt.date, AfterValidator(_sane_date)]


Moment = Annotated[dt.datetime, AfterValidator(_sane_datetime)]


Code = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_no_nul)]


Currency = Annotated[str, Field(min_length=3, max_length=3), AfterValidator(_no_nul)]
