"""Instances read through ``QuickLoad.from_db`` are those Django's own ``Model.from_db`` builds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import AgendaItem, Case
from sundhedskoordinator.core import loading
from sundhedskoordinator.core.loading import QuickLoad

pytestmark = pytest.mark.django_db

OUR_APPS = "sundhedskoordinator."


def _our_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith(OUR_APPS) and not model._meta.proxy
    ]


def test_every_model_of_ours_loads_quickly() -> None:
    models_ = _our_models()
    assert len(models_) > 30
    missing = [m.__name__ for m in models_ if not issubclass(m, QuickLoad)]
    assert missing == []
    left_to_django = [m.__name__ for m in models_ if loading._plain_attnames(m) is None]
    assert left_to_django == []


def _djangos_own(model: type[models.Model], values: tuple[Any, ...]) -> models.Model:
    """The instance Django's ``Model.from_db`` builds (through ``Model.__init__``) for a
    queryset's row (a queryset's fetch mode is ``FETCH_ONE`` unless it says otherwise)."""
    names = [field.attname for field in model._meta.concrete_fields]
    built: models.Model = models.Model.from_db.__func__(  # type: ignore[attr-defined]
        model, "default", names, values, fetch_mode=models.FETCH_ONE
    )
    return built


class DjangosFromDb:
    """Counts the instances Django's own ``Model.from_db`` builds while in use."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.built: list[type[models.Model]] = []
        own = models.Model.from_db.__func__  # type: ignore[attr-defined]

        def counting(cls: Any, *args: Any, **kwargs: Any) -> Any:
            self.built.append(cls)
            return own(cls, *args, **kwargs)

        monkeypatch.setattr(models.Model, "from_db", classmethod(counting))


def _state(instance: models.Model) -> dict[str, Any]:
    return {k: v for k, v in vars(instance._state).items() if k != "fields_cache"}


def test_each_row_loads_as_django_would_build_it(
    treat: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    treat(dt.date(2026, 2, 10), Status.ADVISED)
    treat(dt.date(2026, 2, 10), Status.DECIDED)
    rows: list[tuple[type[models.Model], list[tuple[Any, ...]], list[models.Model]]] = []
    for model in _our_models():
        names = [field.attname for field in model._meta.concrete_fields]
        rows.append(
            (
                model,
                list(model._default_manager.order_by("pk").values_list(*names)),
                [],
            )
        )
    djangos = DjangosFromDb(monkeypatch)
    for model, _values, loaded in rows:
        loaded.extend(model._default_manager.order_by("pk"))
    assert djangos.built == []  # every instance came the quick way
    monkeypatch.undo()
    compared = 0
    for model, values, loaded in rows:
        assert len(loaded) == len(values), model
        for instance, row in zip(loaded, values, strict=True):
            expected = _djangos_own(model, row)
            got = {k: v for k, v in vars(instance).items() if k != "_state"}
            assert got == {k: v for k, v in vars(expected).items() if k != "_state"}, model
            assert _state(instance) == _state(expected)
            assert _state(instance) == {
                "adding": False,
                "db": "default",
                "fetch_mode": models.FETCH_ONE,
            }
            compared += 1
    # The demo organisations, two cases with their items, dispatches, talks, advice, decision.
    assert compared > 50


def test_a_fetch_mode_is_kept_on_each_instance(treat: Any) -> None:
    """A queryset's fetch mode (Django 6.1) goes with its instances, as Django's own keeps it:
    with ``FETCH_PEERS`` the first case's citizen is fetched for every case read with it."""
    treat(dt.date(2026, 2, 10), Status.ADVISED)
    treat(dt.date(2026, 2, 10), Status.DECIDED)
    peers = Case.objects.all().fetch_mode(models.FETCH_PEERS)
    cases = list(peers.order_by("pk"))
    assert [case._state.fetch_mode for case in cases] == [models.FETCH_PEERS] * 2
    with CaptureQueriesContext(connection) as queries:
        names = [case.citizen.name for case in cases]
    assert len(queries) == 1
    assert names == list(Case.objects.order_by("pk").values_list("citizen__name", flat=True))


def test_a_loaded_case_is_saved_as_an_update_and_follows_its_relations(treat: Any) -> None:
    case = treat(dt.date(2026, 2, 10), Status.ADVISED).case
    loaded = Case.objects.get(pk=case.pk)
    assert loaded.citizen.name == case.citizen.name
    assert [item.pk for item in loaded.agenda_items.all()] == list(
        AgendaItem.objects.filter(case=case).values_list("pk", flat=True)
    )
    loaded.no_health_information_note = "Ingen helbredsoplysninger endnu."
    loaded.save(update_fields=["no_health_information_note"])
    assert Case.objects.count() == 1
    assert Case.objects.get().no_health_information_note == "Ingen helbredsoplysninger endnu."
    loaded.full_clean(exclude=["citizen", "municipality", "responsible"])


def test_a_row_of_some_fields_is_left_to_django(treat: Any) -> None:
    case = treat(dt.date(2026, 2, 10), Status.ADVISED).case
    partial = Case.objects.only("reference").get(pk=case.pk)
    assert partial.get_deferred_fields() >= {"status", "citizen_id"}
    assert partial.reference == case.reference
    assert partial.status == Status.ADVISED  # read when first asked for


def test_a_receiver_of_post_init_still_hears_every_instance(treat: Any) -> None:
    treat(dt.date(2026, 2, 10), Status.ADVISED)
    heard: list[Any] = []

    def receiver(sender: Any, instance: Any, **kwargs: Any) -> None:
        heard.append(instance)

    post_init.connect(receiver, sender=Case)
    try:
        loaded = list(Case.objects.all())
    finally:
        post_init.disconnect(receiver, sender=Case)
    assert heard == loaded


def test_a_field_whose_descriptor_does_more_leaves_its_model_to_django(
    treat: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A field such as an image's, whose descriptor also sets other fields, is set through its
    descriptor: Django's own ``from_db`` builds the instance."""
    treat(dt.date(2026, 2, 10), Status.ADVISED)
    set_through: list[Any] = []

    class Recording(DeferredAttribute):
        def __set__(self, instance: Any, value: Any) -> None:
            set_through.append(value)
            instance.__dict__[self.field.attname] = value

    monkeypatch.setattr(Case, "status", Recording(Case._meta.get_field("status")))
    monkeypatch.setattr(loading, "_attnames", {})
    loaded = Case.objects.get()
    assert set_through == [Status.ADVISED] == [loaded.status]


def test_a_model_with_an_init_of_its_own_is_left_to_django(
    treat: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    treat(dt.date(2026, 2, 10), Status.ADVISED)
    built: list[Any] = []

    def own_init(self: Any, *args: Any, **kwargs: Any) -> None:
        models.Model.__init__(self, *args, **kwargs)
        built.append(self)

    monkeypatch.setattr(Case, "__init__", own_init)
    monkeypatch.setattr(loading, "_attnames", {})
    assert built == [Case.objects.get()]
