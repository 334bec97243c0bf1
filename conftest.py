"""Fixtures every test may use."""

from __future__ import annotations

import pytest

from sundhedskoordinator.organisations.demo import load_demo_organisations
from sundhedskoordinator.organisations.models import User


@pytest.fixture
def demo_users(db: None) -> dict[str, User]:
    """The demo world's organisations and users, loaded through the real loader."""
    return load_demo_organisations()
