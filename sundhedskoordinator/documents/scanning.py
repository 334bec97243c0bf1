"""Malware scanning of every uploaded file by a ClamAV daemon, spoken to over its socket.

The daemon's INSTREAM command takes the bytes in length-prefixed chunks and answers
``stream: OK`` or ``stream: <signature> FOUND``. Scanning fails closed: a finding, an error
answer, or a daemon that does not answer in time refuses the upload. A file the daemon could not
scan whole is refused too: with ``AlertExceedsMax`` (scripts/clamd.sh) a file or archive over
one of its limits answers ``Heuristics.Limits.Exceeded.<limit> FOUND`` instead of a quiet OK for
the part it read, and a stream over ``StreamMaxLength`` answers ``size limit exceeded``.
"""

from __future__ import annotations

import logging
import socket
import struct

from django.conf import settings
from django.utils.translation import gettext as _

from sundhedskoordinator.core.errors import DomainError

MALWARE_FOUND = "malware_found"
SCANNER_UNAVAILABLE = "scanner_unavailable"
SCAN_LIMITS_EXCEEDED = "scan_limits_exceeded"
LIMITS_SIGNATURE = "Heuristics.Limits.Exceeded"
CHUNK = 64 * 1024

logger = logging.getLogger(__name__)


def _connect() -> socket.socket:
    address: str = settings.CLAMAV_SOCKET
    timeout: float = settings.CLAMAV_TIMEOUT
    if address.startswith("tcp://"):
        host, _sep, port = address.removeprefix("tcp://").rpartition(":")
        return socket.create_connection((host, int(port)), timeout=timeout)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(address)
    except OSError:
        sock.close()
        raise
    return sock


def _ask(content: bytes) -> str:
    with _connect() as sock:
        try:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(content), CHUNK):
                chunk = content[start : start + CHUNK]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
        except (BrokenPipeError, ConnectionResetError):
            # A stream over the daemon's StreamMaxLength: it answers "size limit exceeded" and
            # stops reading. Its answer is read below; none at all is an error (fails closed).
            pass
        reply = b""
        while not reply.endswith(b"\0"):
            part = sock.recv(4096)
            if not part:
                break
            reply += part
    return reply.rstrip(b"\0").decode("utf-8", "replace")


def scan(content: bytes) -> None:
    """Return when the daemon calls the content clean; refuse it otherwise."""
    try:
        reply = _ask(content)
    except OSError as exc:
        logger.error("Malware scanner did not answer: %s", type(exc).__name__)
        raise DomainError(
            SCANNER_UNAVAILABLE,
            _(
                "Filen kan ikke modtages lige nu, fordi virusscanningen ikke svarer. "
                "Prøv igen senere."
            ),
            fields={"file": _("Virusscanningen svarer ikke.")},
            status=503,
        ) from exc
    if (reply.endswith(" FOUND") and LIMITS_SIGNATURE in reply) or "size limit exceeded" in reply:
        logger.warning("Upload refused: too large for the malware scanner: %s", reply[:200])
        message = _(
            "Filen er afvist, fordi den er for stor eller indeholder for mange lag til, at "
            "virusscanningen kan undersøge den helt."
        )
        raise DomainError(SCAN_LIMITS_EXCEEDED, message, fields={"file": message})
    if reply.endswith(" FOUND"):
        signature = reply.removeprefix("stream: ").removesuffix(" FOUND")
        logger.warning("Upload refused: malware signature %s", signature)
        raise DomainError(
            MALWARE_FOUND,
            _("Filen er afvist, fordi virusscanningen fandt skadelig kode i den."),
            fields={"file": _("Filen indeholder skadelig kode.")},
        )
    if reply != "stream: OK":
        logger.error("Malware scanner answered with an error: %s", reply[:200])
        raise DomainError(
            SCANNER_UNAVAILABLE,
            _("Filen kunne ikke scannes for virus og er derfor ikke modtaget."),
            fields={"file": _("Virusscanningen kunne ikke scanne filen.")},
            status=503,
        )


def answers() -> bool:
    """Whether the daemon answers a PING (the readiness probe: without it no upload is taken)."""
    try:
        with _connect() as sock:
            sock.sendall(b"zPING\0")
            reply = sock.recv(64)
    except OSError:
        return False
    return reply.rstrip(b"\0") == b"PONG"
