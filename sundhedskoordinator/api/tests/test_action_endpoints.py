"""The action endpoints are generated from one table: every action has a service, every
endpoint's body fields reach that service under names it takes, and the paths and operation ids
are today's (the OpenAPI document test holds the rest)."""

from __future__ import annotations

import inspect

from sundhedskoordinator.api.cases import ACTION_ENDPOINTS
from sundhedskoordinator.cases.choices import Action
from sundhedskoordinator.cases.services import ACTION_SERVICES

#: Written by hand from DESIGN section 6.
PATHS = {
    "submit",
    "complete",
    "schedule",
    "unschedule",
    "dispatch",
    "hold-conversation",
    "cancel",
    "file-note",
    "advice",
    "decision",
    "close",
    "withdraw",
    "reject",
    "reassign",
    "take-over",
    "companion",
    "move",
}


def test_every_action_has_a_service() -> None:
    assert set(ACTION_SERVICES) == set(Action)


def test_the_endpoints_are_the_designed_paths_each_once() -> None:
    paths = [e.path for e in ACTION_ENDPOINTS]
    assert sorted(paths) == sorted(PATHS)


def test_every_body_field_is_an_input_of_the_service() -> None:
    for endpoint in ACTION_ENDPOINTS:
        service = inspect.signature(ACTION_SERVICES[endpoint.action]).parameters
        fields = endpoint.body.model_fields if endpoint.body else {}
        for name in fields:
            assert endpoint.renamed.get(name, name) in service, (endpoint.path, name)
        assert set(endpoint.renamed) <= set(fields), endpoint.path
