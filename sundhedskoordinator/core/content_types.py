"""Renaming content types when a migration moves a model to another app, so that permissions
and admin log entries follow the model (for a migration's ``RunPython``)."""

from __future__ import annotations

from typing import Any


def rename_content_types(apps: Any, models: list[str], from_label: str, to_label: str) -> None:
    """Give the moved ``models`` of ``from_label`` the app label ``to_label``, keeping their
    ids; a model that already has a content type under the new label is left alone."""
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in models:
        if not content_type.objects.filter(app_label=to_label, model=model).exists():
            content_type.objects.filter(app_label=from_label, model=model).update(
                app_label=to_label
            )
