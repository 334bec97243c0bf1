"""The log's shape: one JSON object per line with the request's id, and nothing in it that
looks like a CPR number.

No code here logs a CPR number or a health text on purpose; the formatters are the last guard
against one that slips in anyway, for instance through the path of a 404 someone typed a CPR
number into, or an exception's text. Any six digits and four more (with or without the hyphen)
standing on their own are masked in the finished line: the message, the exception and every
extra field alike. Digits inside a longer run of letters and digits (a request id, a hash) are
left alone."""

from __future__ import annotations

import logging
import re

from pythonjsonlogger.json import JsonFormatter

CPR_LIKE = re.compile(r"(?<![0-9A-Za-z])\d{6}-?\d{4}(?![0-9A-Za-z])")
MASK = "[cpr]"


def redact(text: str) -> str:
    """``text`` with every CPR-like number masked."""
    return CPR_LIKE.sub(MASK, text)


class JsonLineFormatter(JsonFormatter):
    """A JSON object per record (time, level, logger, message, request_id and any extras),
    masked."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class PlainLineFormatter(logging.Formatter):
    """The same, as plain text (``LOG_FORMAT=plain``, for reading a console by eye)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
