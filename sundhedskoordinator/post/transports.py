"""Handing a MeMo message over: to an outbox folder (the default, embedded; a gateway picks the
files up) or over HTTP to the national service. Both take the message's UUID, so a message handed
over twice is received once: the outbox keeps the first file, the service answers a known UUID
as already received."""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Protocol

from django.conf import settings


class TransientError(Exception):
    """Worth trying again later (a timeout, a refused connection, a 5xx or 429)."""


class PermanentError(Exception):
    """Trying again will not help (the receiver refused the message)."""


class Transport(Protocol):
    def send(self, message_uuid: str, message: bytes) -> str:
        """Hand the message over; return the receipt. Raise TransientError or PermanentError."""


class OutboxTransport:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def send(self, message_uuid: str, message: bytes) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.directory / f"{message_uuid}.xml"
        receipt = f"outbox:{message_uuid}"
        if target.exists():
            return receipt
        partial = self.directory / f".{message_uuid}.part"
        try:
            with partial.open("wb") as handle:
                handle.write(message)
                handle.flush()
                os.fsync(handle.fileno())
            # The file appears whole or not at all; a gateway never reads half a message.
            os.replace(partial, target)
        except OSError as exc:
            raise TransientError(type(exc).__name__) from exc
        return receipt


class HttpTransport:
    def __init__(self, url: str, timeout: float) -> None:
        self.url = url
        self.timeout = timeout

    def send(self, message_uuid: str, message: bytes) -> str:
        if not self.url.startswith(("https://", "http://")):
            raise PermanentError("DIGITAL_POST_URL")
        request = urllib.request.Request(  # noqa: S310 (the URL is the deployment's setting)
            self.url,
            data=message,
            method="POST",
            headers={
                "Content-Type": "application/xml; charset=utf-8",
                "X-Message-UUID": message_uuid,
                "Idempotency-Key": message_uuid,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return str(response.headers.get("X-Receipt-Id") or message_uuid)[:100]
        except urllib.error.HTTPError as exc:
            if exc.code == 409:
                # The service knows this UUID already: the message was received before.
                return message_uuid
            if exc.code >= 500 or exc.code == 429:
                raise TransientError(f"HTTP {exc.code}") from exc
            raise PermanentError(f"HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise TransientError(type(exc).__name__) from exc


def configured() -> Transport:
    if settings.DIGITAL_POST_TRANSPORT == "http":
        return HttpTransport(settings.DIGITAL_POST_URL, settings.DIGITAL_POST_TIMEOUT_SECONDS)
    return OutboxTransport(settings.DIGITAL_POST_OUTBOX)
