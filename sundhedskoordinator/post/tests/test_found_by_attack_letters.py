"""Found by attacking the letters, the figures' exports and the locked-rate confirmation as an
outsider, a colleague off the case and a careless user would; each test asserts the safe answer.
The print batch and "Send igen" once reached letters of cases the user is not on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from sundhedskoordinator.access.models import AccessLog
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.post.models import Delivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduled(world, settings, tmp_path):
    settings.DIGITAL_POST_OUTBOX = tmp_path
    return walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )


@pytest.fixture
def paper_case(world, settings, tmp_path):
    settings.DIGITAL_POST_OUTBOX = tmp_path
    world.citizen.digital_post_exempt = True
    world.citizen.save()
    return walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )


# ---- letter download IDOR (expected to hold) -------------------------------------------------
@pytest.mark.parametrize(
    "who",
    [
        "jobformidler",
        "sekretariat",
        "leder",
        "koordinator",
        "klinisk",
        "sagsbehandler2",
        "borger2",
        "admin",
    ],
)
def test_letter_opens_for_nobody_off_the_case(client, world, scheduled, who):
    summons = scheduled.deliveries.get(kind="summons", channel="digital_post")
    client.force_login(world.users[who])
    assert client.get(reverse("post:letter", args=[summons.pk])).status_code == 404


# ---- print batch bypasses the per-letter rule -----------------------------------------------
def test_print_batch_only_for_those_who_may_read_the_letters(client, world, paper_case):
    """The summons (health case letter) may be read only by the caseworker on the case; the job
    broker who is not on it gets 404 on /breve/<id>/ but downloads it via the print batch."""
    paper = paper_case.deliveries.get(kind="summons", channel="paper")
    client.force_login(world.users["jobformidler"])
    assert client.get(reverse("post:letter", args=[paper.pk])).status_code == 404
    before = AccessLog.objects.filter(object_type="letter", action="download").count()
    response = client.post(reverse("post:print"), {"municipality": paper_case.municipality_id})
    got_pdf = response.status_code == 200 and response.content.startswith(b"%PDF")
    logged = AccessLog.objects.filter(object_type="letter", action="download").count() - before
    assert not got_pdf or logged >= 1, (
        "job broker off the case received the case's letter in the print batch, unlogged"
    )
    assert not got_pdf


# ---- send again by a colleague not on the case ----------------------------------------------
def test_send_again_only_by_the_caseworker_on_the_case(client, world, scheduled):
    summons = scheduled.deliveries.get(kind="summons", channel="digital_post")
    Delivery.objects.filter(pk=summons.pk).update(state="failed", failure="x")
    client.force_login(world.users["jobformidler"])
    client.post(reverse("post:send-again", args=[summons.pk]))
    summons.refresh_from_db()
    assert summons.state == "failed", "a colleague not on the case re-queued the case's letter"


def test_send_again_other_municipality_is_404_not_an_existence_oracle(client, world, scheduled):
    summons = scheduled.deliveries.get(kind="summons", channel="digital_post")
    client.force_login(world.users["sagsbehandler2"])
    missing = client.post(reverse("post:send-again", args=[999999]))
    existing = client.post(reverse("post:send-again", args=[summons.pk]))
    assert missing.status_code == 404
    assert existing.status_code == 404, f"got {existing.status_code}: existence disclosed"


# ---- CSRF / GET / open redirect (expected to hold) ------------------------------------------
def test_send_again_needs_csrf_and_post(world, scheduled):
    summons = scheduled.deliveries.get(kind="summons", channel="digital_post")
    Delivery.objects.filter(pk=summons.pk).update(state="failed", failure="x")
    c = Client(enforce_csrf_checks=True)
    c.force_login(world.users["sagsbehandler"])
    assert c.get(reverse("post:send-again", args=[summons.pk])).status_code == 405
    assert c.post(reverse("post:send-again", args=[summons.pk])).status_code == 403
    assert c.post(reverse("post:print"), {"municipality": 1}).status_code == 403
    summons.refresh_from_db()
    assert summons.state == "failed"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "https:evil.example",
        " //evil.example",
        "http://testserver@evil.example/",
    ],
)
def test_send_again_next_is_not_an_open_redirect(client, world, scheduled, target):
    summons = scheduled.deliveries.get(kind="summons", channel="digital_post")
    Delivery.objects.filter(pk=summons.pk).update(state="failed", failure="x")
    client.force_login(world.users["sagsbehandler"])
    response = client.post(reverse("post:send-again", args=[summons.pk]), {"next": target})
    assert "evil" not in response.get("Location", "")


# ---- MeMo: CPR only in recipientID; hostile names ------------------------------------------
def test_memo_hostile_name_escaped_and_valid(world, settings, tmp_path):
    from sundhedskoordinator.citizens import services as cs

    settings.DIGITAL_POST_OUTBOX = tmp_path
    citizen = cs.create_citizen(
        actor=world.users["sagsbehandler"],
        cpr="0101901234",
        name='A<b>&"x\x01\x0b]]></memo:label>' + "Ø" * 150,
        municipality=world.team.municipality,
        course_start=dt.date(2026, 3, 1),
    )
    cs.record_guidance(
        actor=world.users["sagsbehandler"],
        citizen=citizen,
        given_on=dt.date(2026, 3, 1),
        channel="digital_post",
    )
    d = Delivery.objects.get(citizen=citizen, channel="digital_post")
    assert d.state != "failed", d.failure
    xml = d.message.read().decode()
    assert xml.count("0101901234") == 1
    assert "</memo:label>Ø" not in xml


# ---- statistics scope (expected to hold) ----------------------------------------------------
def test_regional_reader_gets_no_municipal_figures(api, world):
    r = api("klinisk").get("/statistics", **{"from": "2026-01-01", "to": "2026-11-23"})
    body = r.json()
    assert r.status_code == 200
    for key in ("requests", "refusals_total", "citizens_not_informed", "cases_created"):
        assert body[key] is None, key
    m = api("klinisk").get("/statistics/monthly", **{"from": "2026-01-01", "to": "2026-11-23"})
    assert {s["key"] for s in m.json()["series"]}.isdisjoint({"requests", "refusals"})


@pytest.mark.parametrize("param", ["municipality", "region", "team"])
def test_exports_out_of_scope_are_404(client, world, param):
    from sundhedskoordinator.organisations.models import Municipality, RehabTeam

    cph = Municipality.objects.get(code="101")
    value = {
        "municipality": cph.pk,
        "region": cph.region_id,
        "team": RehabTeam.objects.filter(municipality=cph).first().pk,
    }[param]
    client.force_login(world.users["klinisk"])
    for fmt in ("csv", "xlsx"):
        r = client.get(
            f"/statistik/pr-maaned.{fmt}",
            {"date_from": "2026-01-01", "date_to": "2026-06-30", param: value},
        )
        assert r.status_code == 404, (fmt, r.status_code)
    r = api_get = None  # noqa: F841


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "x", "date_to": "y"},
        {"date_from": "2026-01-01", "date_to": "1999-01-01"},
        {"date_from": "2020-01-01", "date_to": "2026-01-01"},
        {"date_from": "2026-01-01", "date_to": "2026-02-01", "municipality": "abc"},
        {"date_from": "0001-01-01", "date_to": "9999-12-31"},
    ],
)
def test_exports_malformed_input_no_500(client, world, query):
    client.force_login(world.users["leder"])
    for fmt in ("csv", "xlsx"):
        r = client.get(f"/statistik/pr-maaned.{fmt}", query)
        assert r.status_code < 500


# ---- rates ----------------------------------------------------------------------------------
def test_rates_preview_forbidden_to_non_klinisk(api, world):
    body = {
        "region": world.team.municipality.region_id,
        "amount": "100.00",
        "valid_from": "2026-06-01",
    }
    for who in ("leder", "koordinator", "sagsbehandler", "klinisk2"):
        assert api(who).post("/rates/preview", body).status_code in (403, 404), who


def test_rates_preview_leaves_nothing_behind(api, world):
    from sundhedskoordinator.billing.models import Rate

    body = {
        "region": world.team.municipality.region_id,
        "amount": "100.00",
        "valid_from": "2026-06-01",
    }
    before = Rate.objects.count()
    assert api("klinisk").post("/rates/preview", body).status_code == 200
    assert Rate.objects.count() == before


# ---- rates page: a backdated rate older than the newest one, reaching a locked period ---------
def test_rates_page_backdated_rate_into_locked_period_is_not_a_500(world, treat):
    from conftest import local
    from sundhedskoordinator.billing.services import approve_settlement, set_rate
    from sundhedskoordinator.core import clock

    region = world.team.municipality.region_id
    with clock.frozen(local(dt.date(2025, 12, 1), 10)):
        set_rate(
            actor=world.users["klinisk"],
            region_id=region,
            amount=Decimal("2150.00"),
            valid_from=dt.date(2026, 1, 1),
            bills_cancelled_after_dispatch=False,
        )
    treat(dt.date(2026, 2, 10))
    with clock.frozen(local(dt.date(2026, 3, 2), 10)):
        approve_settlement(
            actor=world.users["klinisk"],
            municipality_id=world.team.municipality_id,
            period_start=dt.date(2026, 2, 1),
            period_end=dt.date(2026, 2, 28),
        )
    c = Client(raise_request_exception=False)
    c.force_login(world.users["klinisk"])
    r = c.post(
        "/afregning/takster/",
        {
            "region": region,
            "amount": "2250,00",
            "valid_from": "2025-12-01",
            "bills_cancelled_after_dispatch": "no",
            "note": "",
        },
    )
    assert r.status_code < 500, r.status_code


def test_digital_post_toggle_scoped_and_post_only(world):
    c = Client(enforce_csrf_checks=True)
    action = reverse("citizens:digital-post", args=[world.citizen.pk])
    c.force_login(world.users["sagsbehandler2"])
    c.post(action, {"post-digital_post_exempt": "on"})
    c2 = Client()
    c2.force_login(world.users["sagsbehandler2"])
    assert c2.post(action, {"post-digital_post_exempt": "on"}).status_code == 404
    c2.force_login(world.users["sagsbehandler"])
    c2.get(action, {"post-digital_post_exempt": "on"})
    world.citizen.refresh_from_db()
    assert not world.citizen.digital_post_exempt


def test_deliver_twice_hands_over_once(world, scheduled, settings, tmp_path):
    from sundhedskoordinator.post import services

    summons = scheduled.deliveries.get(kind="summons", channel="digital_post")
    calls = []

    class T:
        def send(self, uuid, msg):
            calls.append(uuid)
            services.deliver(summons.pk)  # re-entrant second worker while the first holds it
            return "r"

    import sundhedskoordinator.post.services as s

    orig = s.configured
    s.configured = lambda: T()
    try:
        assert services.deliver(summons.pk) == "sent"
        assert services.deliver(summons.pk) == "sent"
    finally:
        s.configured = orig
    assert len(calls) == 1


def test_the_caseworker_prints_her_letters_each_read_logged_and_prints_them_again(
    client, world, paper_case
):
    paper = paper_case.deliveries.get(kind="summons", channel="paper")
    client.force_login(world.users["sagsbehandler"])
    logged = AccessLog.objects.filter(object_type="letter", action="download", object_id=paper.pk)
    first = client.post(reverse("post:print"), {"municipality": paper_case.municipality_id})
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    assert logged.count() == 1
    paper.refresh_from_db()
    page = client.get(reverse("post:print")).content.decode()
    assert "Seneste udskrifter" in page and paper.receipt in page
    again = client.post(reverse("post:print"), {"batch": paper.receipt})
    assert again.status_code == 200 and again.content.startswith(b"%PDF")
    assert logged.count() == 2
    # Another caseworker cannot fetch the batch by its number.
    client.force_login(world.users["jobformidler"])
    refused = client.post(reverse("post:print"), {"batch": paper.receipt}, follow=True)
    assert refused.content.decode().count("Udskriften findes ikke") == 1
