"""Texts the system writes into a record (a credit note's reason) kept as their message id and parameters,
so each reader reads them in their own language (as notifications are; see ``m2c.core.notifications``).

What a person typed is stored as typed and read back unchanged.
"""

from __future__ import annotations

import json
from typing import Any

from m2c.core.notifications import Message, message

_MARK = '{"m": '


def store(msgid: Any, *, limit: int = 300, **params: Any) -> str:
    """The text to store: the message id and its parameters as JSON, at most ``limit`` characters.

    The longest text parameter is shortened until it fits (a typed reason is the one that can be long).
    """
    params = {k: str(v) for k, v in params.items()}
    while True:
        text = json.dumps(message(msgid, **params).encode(), ensure_ascii=False)
        if len(text) <= limit:
            return text
        longest = max(params, key=lambda k: len(params[k]))
        params[longest] = params[longest][: max(0, len(params[longest]) - (len(text) - limit))]


def read(value: Any) -> str:
    """A stored text in the active language: a stored message is translated now, anything else is as stored."""
    text = "" if value is None else str(value)
    if text.startswith(_MARK):
        try:
            decoded = Message.decode(json.loads(text))
        except (ValueError, TypeError, KeyError):
            return text
        if isinstance(decoded, Message):
            try:
                return decoded.render()
            except (KeyError, ValueError, TypeError):
                return text
    return text
