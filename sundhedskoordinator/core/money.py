"""Amounts as Danish readers write them: 2.150,00 kr."""

from __future__ import annotations

from decimal import Decimal


def kroner(amount: Decimal) -> str:
    """``Decimal("2150")`` as "2.150,00 kr." (thousands with dots, øre after a comma)."""
    text = f"{amount:,.2f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return f"{text} kr."
