"""Every answer's shape is a plain pydantic model (``schemas.Out``), not ninja's ``Schema``: the
handlers answer with dicts, and ``Schema`` validates them through its ``DjangoGetter``, a Python
lookup per field of every nested object, made for model instances; it took a third of the time of
a list of 100 cases in this process. A shape added on ``Schema`` fails here by name."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Any

from ninja import Schema
from pydantic import BaseModel

from sundhedskoordinator.api.schemas import Out
from sundhedskoordinator.api.urls import api


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    """The pydantic models an annotation names, however deeply (lists, dicts, unions)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models(field.annotation)
        return
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for argument in typing.get_args(annotation):
            yield from _models(argument)


def _answer_models() -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()
    for _prefix, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                for wrapper in (operation.response_models or {}).values():
                    if wrapper is None:
                        continue
                    found.update(_models(wrapper.model_fields["response"].annotation))
    return found


def test_the_walk_finds_the_case_and_its_parts() -> None:
    """The check below looks where the answers are: the case page, the case and what it nests."""
    names = {model.__name__ for model in _answer_models()}
    expected = {"CasePage", "CaseOut", "OfferOut", "AgendaItemOut", "ErrorOut", "StatisticsOut"}
    assert expected <= names


def test_no_answer_is_validated_through_ninjas_schema() -> None:
    slow = sorted(model.__name__ for model in _answer_models() if issubclass(model, Schema))
    assert slow == []
    assert all(issubclass(model, Out) for model in _answer_models())
