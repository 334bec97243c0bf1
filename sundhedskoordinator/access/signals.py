"""What the access app tells the apps above it, which it must not import (the layers,
docs/dev/architecture.md)."""

from __future__ import annotations

from django.dispatch import Signal

#: Sent inside ``end_sessions``' transaction with ``user=``: every credential the user holds
#: ends now. The API answers by revoking the user's tokens (``api.tokens.revoke_all``).
credentials_ended = Signal()
