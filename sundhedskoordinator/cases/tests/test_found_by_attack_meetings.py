"""Found by an independent attack on the meeting changes (issue 16): each probe of the pages,
services and API that a malicious or curious user would try, kept as a test."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from conftest import World, local
from sundhedskoordinator.cases import services
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.models import AdviceDraft, AgendaItem, Case
from sundhedskoordinator.cases.walk import Cast, new_case, walk_case_to
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.meetings import services as meeting_services
from sundhedskoordinator.meetings.models import Meeting, MeetingChange
from sundhedskoordinator.notifications.models import Notification
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import Municipality, Region, RehabTeam, User
from sundhedskoordinator.organisations.services import grant_role

pytestmark = pytest.mark.django_db

DEC_15, DEC_17 = dt.date(2026, 12, 15), dt.date(2026, 12, 17)
AFTER = local(DEC_15, 9, 40)


def _case(world: World, state: Status, meeting: Meeting | None = None) -> Case:
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    return walk_case_to(case, state, cast=world.cast, meeting=meeting or world.meeting)


def _odense_meeting(world: World, day: dt.date = DEC_17) -> Meeting:
    return meeting_services.create_meeting(
        actor=world.users["sekretariat"],
        team=world.team,
        starts_at=local(day, 9),
        ends_at=local(day, 12),
    )


def _cph(world: World) -> tuple[Meeting, Case]:
    users = world.users
    cph = Municipality.objects.get(code="101")
    meeting = meeting_services.create_meeting(
        actor=users["sekretariat2"],
        team=RehabTeam.objects.get(municipality=cph),
        starts_at=local(DEC_17, 9),
        ends_at=local(DEC_17, 12),
    )
    citizen = citizen_services.create_citizen(
        actor=users["sagsbehandler2"],
        cpr="0202921234",
        name="Ole Hansen",
        municipality=cph,
        course_start=dt.date(2026, 1, 1),
    )
    cast = Cast(users["sagsbehandler2"], users["sekretariat2"], users["koordinator2"])
    case = walk_case_to(
        new_case(citizen=citizen, caseworker=users["sagsbehandler2"]),
        Status.SCHEDULED,
        cast=cast,
        meeting=meeting,
    )
    return meeting, case


def _svendborg_meeting() -> Meeting:
    team = RehabTeam.objects.get(municipality__code="479")
    return meeting_services.plan_meeting(
        team=team, starts_at=local(DEC_17, 9), ends_at=local(DEC_17, 12)
    )


def _second_coordinator() -> User:
    user = User.objects.create_user(username="koordinator3", password="x", email="k3@example.org")
    grant_role(user=user, role=Role.COORDINATOR, region=Region.objects.get(code="1083"))
    return user


# --- IDOR on meeting change / cancel / move ----------------------------------------------------
def test_other_municipality_secretariat_api_change_cancel(world: World, api: Any) -> None:
    _case(world, Status.SCHEDULED)
    body = {
        "starts_at": local(DEC_17, 9).isoformat(),
        "ends_at": local(DEC_17, 12).isoformat(),
        "reason": "x",
    }
    r = api("sekretariat2").post(f"/meetings/{world.meeting.pk}/change", body)
    assert r.status_code == 404, r.content
    r = api("sekretariat2").post(
        f"/meetings/{world.meeting.pk}/cancel", {"reason_code": "other", "reason": "x"}
    )
    assert r.status_code == 404, r.content
    # a coordinator of the region sees the meeting but does not plan it
    r = api("koordinator").post(
        f"/meetings/{world.meeting.pk}/cancel", {"reason_code": "other", "reason": "x"}
    )
    assert r.status_code == 403, r.content
    world.meeting.refresh_from_db()
    assert world.meeting.cancelled_at is None and world.meeting.sequence == 0


def test_other_municipality_secretariat_moves_case(world: World, api: Any) -> None:
    case = _case(world, Status.SCHEDULED)
    cph_meeting, _ = _cph(world)
    r = api("sekretariat2").post(f"/cases/{case.pk}/move", {"meeting": cph_meeting.pk})
    assert r.status_code == 404, r.content
    # own secretariat to a Copenhagen meeting
    r = api("sekretariat").post(f"/cases/{case.pk}/move", {"meeting": cph_meeting.pk})
    assert r.status_code in (400, 404, 409, 422), r.content
    # own secretariat to a Svendborg meeting (same region, other municipality)
    sv = _svendborg_meeting()
    r = api("sekretariat").post(f"/cases/{case.pk}/move", {"meeting": sv.pk})
    assert r.status_code in (400, 404, 409, 422), r.content
    assert AgendaItem.objects.get(case=case, cancelled_at__isnull=True).meeting_id == (
        world.meeting.pk
    )


def test_cancel_with_move_to_foreign_meeting(world: World, api: Any) -> None:
    _case(world, Status.SCHEDULED)
    cph_meeting, _ = _cph(world)
    sv = _svendborg_meeting()
    for target in (cph_meeting.pk, sv.pk, 10**20, -1):
        r = api("sekretariat").post(
            f"/meetings/{world.meeting.pk}/cancel",
            {"reason_code": "coordinator_ill", "move_to": target},
        )
        assert r.status_code in (400, 404), (target, r.status_code, r.content)
    world.meeting.refresh_from_db()
    assert world.meeting.cancelled_at is None


def test_cancel_page_move_to_foreign_meeting(client: Any, world: World) -> None:
    _case(world, Status.SCHEDULED)
    cph_meeting, _ = _cph(world)
    client.force_login(world.users["sekretariat"])
    r = client.post(
        reverse("meetings:cancel", args=[world.meeting.pk]),
        {"reason_code": "coordinator_ill", "move_to": cph_meeting.pk, "confirm": "on"},
    )
    assert r.status_code == 200  # form error
    world.meeting.refresh_from_db()
    assert world.meeting.cancelled_at is None


def test_move_page_foreign_meeting(client: Any, world: World) -> None:
    case = _case(world, Status.SCHEDULED)
    cph_meeting, cph_case = _cph(world)
    client.force_login(world.users["sekretariat"])
    r = client.post(
        reverse("cases:move", args=[case.pk]),
        {"move-meeting": cph_meeting.pk, "version": case.version},
    )
    assert AgendaItem.objects.get(case=case, cancelled_at__isnull=True).meeting_id == (
        world.meeting.pk
    )
    # foreign case through the page
    r = client.post(
        reverse("cases:move", args=[cph_case.pk]),
        {"move-meeting": world.meeting.pk, "version": cph_case.version},
    )
    assert r.status_code == 404


def test_agenda_item_from_another_meeting(client: Any, world: World) -> None:
    other = _odense_meeting(world)
    a = _case(world, Status.SCHEDULED, other)
    _case(world, Status.SCHEDULED, other)
    client.force_login(world.users["sekretariat"])
    item = AgendaItem.objects.get(case=a)
    before = item.starts_at
    r = client.post(reverse("meetings:item", args=[world.meeting.pk, item.pk, "ned"]))
    assert r.status_code in (200, 302)
    item.refresh_from_db()
    assert item.starts_at == before
    # a foreign meeting
    cph_meeting, cph_case = _cph(world)
    cph_item = AgendaItem.objects.get(case=cph_case)
    r = client.post(reverse("meetings:item", args=[cph_meeting.pk, cph_item.pk, "tag-af"]))
    assert r.status_code == 404


def test_agenda_item_leaks_reference_of_unsent_case_to_regional_staff(
    client: Any, world: World
) -> None:
    """Regional staff see the meeting, but a case only once it is sent (DESIGN 2)."""
    sent = _case(world, Status.SENT)
    unsent = _case(world, Status.SCHEDULED)
    unsent_item = AgendaItem.objects.get(case=unsent)
    results = {}
    for username in ("koordinator", "klinisk"):
        client.force_login(world.users[username])
        agenda = client.get(reverse("meetings:agenda", args=[world.meeting.pk])).content.decode()
        assert unsent.reference not in agenda and sent.reference in agenda
        r = client.post(
            reverse("meetings:item", args=[world.meeting.pk, unsent_item.pk, "op"]), follow=True
        )
        leaked = unsent.reference in r.content.decode()
        results[username] = leaked
    assert results == {"koordinator": False, "klinisk": False}, results


def test_reorder_item_service_by_coordinator(world: World) -> None:
    _case(world, Status.SCHEDULED)
    b = _case(world, Status.SCHEDULED)
    item = AgendaItem.objects.get(case=b)
    with pytest.raises(DomainError):
        services.reorder_item(
            actor=world.users["koordinator"],
            meeting_id=world.meeting.pk,
            item_id=item.pk,
            direction=-1,
        )


# --- Advice drafts -----------------------------------------------------------------------------
def _held(world: World) -> Case:
    return _case(world, Status.HELD)


def test_region_coordinator_not_on_case_cannot_draft(client: Any, world: World) -> None:
    case = _held(world)
    other = _second_coordinator()
    with clock.frozen(AFTER):
        services.save_advice_draft(
            actor=world.users["koordinator"], case_id=case.pk, text="SECRET DRAFT"
        )
        with pytest.raises(DomainError):
            services.save_advice_draft(actor=other, case_id=case.pk, text="x")
        client.force_login(other)
        r = client.post(
            reverse("cases:advice", args=[case.pk]),
            {"version": case.version, "advice-text": "mine", "draft": "1"},
        )
        assert r.status_code in (302, 200)
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert "SECRET DRAFT" not in page
    assert list(AdviceDraft.objects.values_list("author__username", flat=True)) == ["koordinator"]


def test_draft_of_replaced_coordinator_goes_away(client: Any, world: World) -> None:
    """After a take-over the old coordinator is no longer on the case; his draft (health
    content) should not linger, and the advice submitted by the new one should take all drafts."""
    case = _held(world)
    other = _second_coordinator()
    with clock.frozen(AFTER):
        services.save_advice_draft(
            actor=world.users["koordinator"], case_id=case.pk, text="OLD DRAFT"
        )
        services.run_action("take_over", actor=other, case_id=case.pk)
        client.force_login(other)
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert "OLD DRAFT" not in page
        services.write_advice(actor=other, case_id=case.pk, text="Advice by the substitute.")
    assert not AdviceDraft.objects.filter(case=case).exists(), list(
        AdviceDraft.objects.filter(case=case).values_list("author__username", "text")
    )


def test_draft_after_withdrawal(world: World) -> None:
    case = _held(world)
    with clock.frozen(AFTER):
        services.save_advice_draft(actor=world.users["koordinator"], case_id=case.pk, text="D")
        services.withdraw_case(actor=world.users["sagsbehandler"], case_id=case.pk, reason="x")
    assert not AdviceDraft.objects.filter(case=case).exists()


# --- Calendars ---------------------------------------------------------------------------------
def test_cancelled_meeting_calendar_says_cancelled(world: World, api: Any) -> None:
    _case(world, Status.SENT)
    services.cancel_meeting(
        actor=world.users["sekretariat"],
        meeting_id=world.meeting.pk,
        reason_code="coordinator_ill",
    )
    r = api("sekretariat").get(f"/meetings/{world.meeting.pk}/calendar.ics")
    assert r.status_code == 200
    text = r.content.decode()
    assert "SEQUENCE:1" in text
    assert "STATUS:CANCELLED" in text, text


# --- Half-written data -------------------------------------------------------------------------
def test_refused_cancellation_leaves_nothing(
    world: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    _case(world, Status.SCHEDULED)
    second = _case(world, Status.SENT)
    # the second case cannot be moved: the target meeting is too short for two
    target = meeting_services.create_meeting(
        actor=world.users["sekretariat"],
        team=world.team,
        starts_at=local(DEC_17, 9),
        ends_at=local(DEC_17, 9, 45),
    )
    notes = Notification.objects.count()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError) as refused:
        services.cancel_meeting(
            actor=world.users["sekretariat"],
            meeting_id=world.meeting.pk,
            reason_code="coordinator_ill",
            move_to_id=target.pk,
        )
    assert second.reference in refused.value.message
    world.meeting.refresh_from_db()
    assert world.meeting.cancelled_at is None and world.meeting.sequence == 0
    assert Notification.objects.count() == notes
    assert mailoutbox == []
    assert not MeetingChange.objects.exists()
    assert AgendaItem.objects.filter(meeting=target).count() == 0
    assert AgendaItem.objects.filter(meeting=world.meeting, cancelled_at__isnull=True).count() == 2


# --- Malformed input ---------------------------------------------------------------------------
BIG = 10**20


@pytest.mark.parametrize(
    "path",
    [
        f"/moeder/{BIG}/ret/",
        f"/moeder/{BIG}/aflys/",
        f"/moeder/{BIG}/",
        f"/sager/{BIG}/flyt/",
    ],
)
def test_huge_ids_on_pages(client: Any, world: World, path: str) -> None:
    client.force_login(world.users["sekretariat"])
    assert client.get(path).status_code in (302, 404)
    assert client.post(path, {"move-meeting": BIG}).status_code in (302, 404)


def test_huge_ids_in_forms(client: Any, world: World) -> None:
    case = _case(world, Status.SCHEDULED)
    client.force_login(world.users["sekretariat"])
    r = client.post(
        reverse("cases:move", args=[case.pk]), {"move-meeting": str(BIG), "version": "9" * 40}
    )
    assert r.status_code in (200, 302)
    r = client.post(
        reverse("meetings:cancel", args=[world.meeting.pk]),
        {"reason_code": "other", "reason": "x", "move_to": str(BIG), "confirm": "on"},
    )
    assert r.status_code == 200
    r = client.post(reverse("meetings:item", args=[world.meeting.pk, BIG, "op"]))
    assert r.status_code in (200, 302)
    r = client.post(reverse("meetings:schedule", args=[world.meeting.pk]), {"case": str(BIG)})
    assert r.status_code in (200, 302)
    r = client.post(
        reverse("meetings:schedule", args=[world.meeting.pk]),
        {"case": "1", "coordinator": "9" * 18, "version": "abc"},
    )
    assert r.status_code in (200, 302)


@pytest.mark.parametrize(
    "form",
    [
        {"starts_at": "2026-13-45T99:99", "ends_at": "x", "location": "a", "reason": "b"},
        {
            "starts_at": "9999-12-30T09:00",
            "ends_at": "9999-12-30T12:00",
            "location": "a",
            "reason": "b",
            "extraordinary_reason": "c",
        },
        {
            "starts_at": "0001-01-01T09:00",
            "ends_at": "0001-01-01T12:00",
            "location": "a",
            "reason": "b",
            "extraordinary_reason": "c",
        },
        {
            "starts_at": "2026-12-17T09:00",
            "ends_at": "2026-12-17T12:00",
            "location": "a\x00b",
            "reason": "b\x00",
        },
        {
            "starts_at": "2026-12-17T09:00",
            "ends_at": "2026-12-17T12:00",
            "location": "a" * 5000,
            "reason": "b" * 100000,
        },
        {},
    ],
)
def test_change_page_malformed(client: Any, world: World, form: dict[str, str]) -> None:
    _case(world, Status.SCHEDULED)
    client.force_login(world.users["sekretariat"])
    r = client.post(reverse("meetings:change", args=[world.meeting.pk]), form)
    assert r.status_code in (200, 302)


@pytest.mark.parametrize(
    "body",
    [
        {
            "starts_at": "9999-12-31T23:30:00+00:00",
            "ends_at": "9999-12-31T23:45:00+00:00",
            "reason": "x",
            "extraordinary_reason": "y",
        },
        {
            "starts_at": "0001-01-01T00:00:00+00:00",
            "ends_at": "0001-01-01T03:00:00+00:00",
            "reason": "x",
            "extraordinary_reason": "y",
        },
        {"starts_at": "2026-12-17T09:00:00", "ends_at": "2026-12-17T12:00:00", "reason": "x"},
        {
            "starts_at": "2026-12-17T09:00:00+01:00",
            "ends_at": "2026-12-17T12:00:00+01:00",
            "reason": "x\x00",
            "location": "y\x00",
        },
        {
            "starts_at": "2026-12-17T09:00:00+01:00",
            "ends_at": "2026-12-17T12:00:00+01:00",
            "reason": "x" * 200000,
            "location": "y" * 200000,
        },
        {
            "starts_at": "2026-12-17T09:00:00+01:00",
            "ends_at": "2026-12-17T12:00:00+01:00",
            "reason": "x",
            "extraordinary_reason": "z" * 100000,
        },
        {},
    ],
)
def test_change_api_malformed(world: World, api: Any, body: dict[str, str]) -> None:
    _case(world, Status.SCHEDULED)
    r = api("sekretariat").post(f"/meetings/{world.meeting.pk}/change", body)
    assert r.status_code in (200, 400, 409, 422), (r.status_code, r.content[:500])


@pytest.mark.parametrize(
    "body",
    [
        {"meeting": BIG},
        {"meeting": "abc"},
        {"meeting": 1, "starts_at": "9999-12-31T23:59:59+00:00"},
        {"meeting": 1, "starts_at": "0001-01-01T00:00:00+00:00"},
        {"meeting": 1, "late_reason": "x\x00", "reason": "y" * 100000},
        {},
    ],
)
def test_move_api_malformed(world: World, api: Any, body: dict[str, Any]) -> None:
    case = _case(world, Status.SCHEDULED)
    other = _odense_meeting(world)
    if body.get("meeting") == 1:
        body = {**body, "meeting": other.pk}
    r = api("sekretariat").post(f"/cases/{case.pk}/move", body)
    assert r.status_code in (200, 400, 404, 409, 422), (r.status_code, r.content[:500])


@pytest.mark.parametrize(
    "body",
    [
        {"reason_code": "citizen_no_show"},
        {"reason_code": "other"},
        {"reason_code": "other", "reason": "\x00"},
        {"reason_code": "meeting_moved", "move_to": "x"},
        {"reason_code": "meeting_moved", "late_reason": "x" * 100000},
        {},
    ],
)
def test_cancel_api_malformed(world: World, api: Any, body: dict[str, Any]) -> None:
    _case(world, Status.SCHEDULED)
    r = api("sekretariat").post(f"/meetings/{world.meeting.pk}/cancel", body)
    assert r.status_code in (200, 400, 409, 422), (r.status_code, r.content[:500])


def test_reorder_far_future_meeting(client: Any, world: World) -> None:
    """A meeting moved to year 9999 and then reordered: the items are parked 10 years out."""
    _case(world, Status.SCHEDULED)
    b = _case(world, Status.SCHEDULED)
    client.force_login(world.users["sekretariat"])
    r = client.post(
        reverse("meetings:change", args=[world.meeting.pk]),
        {
            "starts_at": "9999-12-29T09:00",
            "ends_at": "9999-12-29T12:00",
            "location": "a",
            "reason": "b",
            "extraordinary_reason": "",
        },
    )
    assert r.status_code in (200, 302)
    item = AgendaItem.objects.get(case=b)
    r = client.post(reverse("meetings:item", args=[world.meeting.pk, item.pk, "op"]))
    assert r.status_code in (200, 302)


# --- Meeting creation through the API ----------------------------------------------------------
def test_create_meeting_in_foreign_municipality(world: World, api: Any) -> None:
    cph = Municipality.objects.get(code="101")
    sv = Municipality.objects.get(code="479")
    body = {
        "starts_at": local(DEC_17, 9).isoformat(),
        "ends_at": local(DEC_17, 12).isoformat(),
        "kind": "conversation",
    }
    for who, payload in (
        ("sekretariat", {"municipality": cph.pk}),
        ("sekretariat", {"municipality": sv.pk}),
        ("sekretariat", {"team": RehabTeam.objects.get(municipality=cph).pk}),
        ("sekretariat", {"team": RehabTeam.objects.get(municipality=sv).pk}),
        ("koordinator", {"municipality": world.team.municipality_id}),
        ("sekretariat2", {"team": world.team.pk, "municipality": cph.pk}),
        ("sekretariat", {"municipality": BIG}),
    ):
        r = api(who).post("/meetings", {**body, **payload})
        assert r.status_code in (400, 403, 404), (who, payload, r.status_code, r.content)
    assert Meeting.objects.count() == 1


# --- Start pages -------------------------------------------------------------------------------
def test_start_pages_do_not_show_other_municipalities(client: Any, world: World) -> None:
    _cph(world)
    _case(world, Status.READY)
    for username, foreign in (
        ("sekretariat", "Ole Hansen"),
        ("koordinator", "Ole Hansen"),
        ("klinisk", "Ole Hansen"),
        ("sekretariat2", "Mette Sørensen"),
        ("koordinator2", "Mette Sørensen"),
        ("klinisk2", "Mette Sørensen"),
        ("koordinator", "Mette Sørensen"),  # unsent cases are not regional staff's
    ):
        client.force_login(
            world.users[username]
            if username in world.users
            else User.objects.get(username=username)
        )
        page = client.get("/").content.decode()
        assert foreign not in page, username


def test_no_cpr_in_new_outputs(
    world: World, api: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    cpr = "1203851234"
    _case(world, Status.SENT)
    other = _odense_meeting(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_meeting(
            actor=world.users["sekretariat"],
            meeting_id=world.meeting.pk,
            starts_at=local(DEC_15, 10),
            ends_at=local(DEC_15, 13),
            reason="r",
        )
        services.cancel_meeting(
            actor=world.users["sekretariat"],
            meeting_id=world.meeting.pk,
            reason_code="coordinator_ill",
            move_to_id=other.pk,
        )
    blobs = []
    for m in mailoutbox:
        blobs.append(m.subject + m.body)
        for a in m.attachments:
            blobs.append(a[1].decode() if isinstance(a[1], bytes) else str(a[1]))
    for n in Notification.objects.all():
        blobs.append(str(n.__dict__))
    r = api("sekretariat").get(f"/meetings/{other.pk}/calendar.ics")
    blobs.append(r.content.decode())
    text = "\n".join(blobs)
    assert cpr not in text and f"{cpr[:6]}-{cpr[6:]}" not in text


def test_cancel_with_move_to_zero_is_not_back_to_ready(world: World, api: Any) -> None:
    case = _case(world, Status.SCHEDULED)
    r = api("sekretariat").post(
        f"/meetings/{world.meeting.pk}/cancel", {"reason_code": "coordinator_ill", "move_to": 0}
    )
    case.refresh_from_db()
    assert r.status_code in (400, 404), (r.status_code, case.status)


# --- Round two ---------------------------------------------------------------------------------
def test_extraordinary_reason_of_a_weekend_meeting_lets_it_move_into_the_past(
    world: World,
) -> None:
    sat = dt.date(2026, 12, 19)
    meeting = meeting_services.create_meeting(
        actor=world.users["sekretariat"],
        team=world.team,
        starts_at=local(sat, 9),
        ends_at=local(sat, 12),
        extraordinary_reason="Weekend-ekstra for ventelisten.",
    )
    yesterday = dt.date(2026, 11, 20)  # Friday, in the past
    with pytest.raises(DomainError):
        services.change_meeting(
            actor=world.users["sekretariat"],
            meeting_id=meeting.pk,
            starts_at=local(yesterday, 9),
            ends_at=local(yesterday, 12),
            reason="flyt",
        )


def test_moving_a_meeting_into_a_new_agreement_version_checks_its_kinds(world: World) -> None:
    from sundhedskoordinator.meetings.models import CollaborationAgreement

    region = Region.objects.get(code="1083")
    CollaborationAgreement.objects.get_or_create(region=region, valid_from=dt.date(2000, 1, 1))
    CollaborationAgreement.objects.create(
        region=region,
        valid_from=dt.date(2027, 1, 1),
        meeting_kinds=["conversation"],
        rehab_team_required=False,
    )
    jan = dt.date(2027, 1, 12)
    with pytest.raises(DomainError):  # creating it there is refused...
        meeting_services.create_meeting(
            actor=world.users["sekretariat"],
            team=world.team,
            starts_at=local(jan, 9),
            ends_at=local(jan, 12),
        )
    with pytest.raises(DomainError):  # ...so moving it there should be too
        services.change_meeting(
            actor=world.users["sekretariat"],
            meeting_id=world.meeting.pk,
            starts_at=local(jan, 9),
            ends_at=local(jan, 12),
            reason="flyt",
        )


def test_coordinators_endpoint_scope(world: World, api: Any) -> None:
    r = api("sekretariat2").get(f"/meetings/{world.meeting.pk}/coordinators")
    assert r.status_code == 404
    r = api("borger").get(f"/meetings/{world.meeting.pk}/coordinators")
    assert r.status_code == 404


def test_schedule_from_agenda_with_foreign_coordinator(client: Any, world: World) -> None:
    case = _case(world, Status.READY)
    client.force_login(world.users["sekretariat"])
    for coordinator in ("koordinator2", "sagsbehandler", "klinisk"):
        client.post(
            reverse("meetings:schedule", args=[world.meeting.pk]),
            {"case": case.pk, "coordinator": world.users[coordinator].pk},
        )
        case.refresh_from_db()
        assert case.status == Status.READY, coordinator


def test_move_keeps_a_coordinator_who_left_the_region(world: World) -> None:
    from sundhedskoordinator.organisations.models import RoleMembership

    case = _case(world, Status.SENT)
    other = _odense_meeting(world)
    RoleMembership.objects.filter(user=world.users["koordinator"]).delete()
    grant_role(
        user=world.users["koordinator"],
        role=Role.COORDINATOR,
        region=Region.objects.get(code="1084"),
    )
    with pytest.raises(DomainError):
        services.move_case(actor=world.users["sekretariat"], case_id=case.pk, meeting_id=other.pk)


def test_mixed_roles_start_page(client: Any, world: World) -> None:
    """Secretariat in Odense, caseworker in Copenhagen: the secretariat's queue is Odense's."""
    _cph_meeting, cph_case = _cph(world)
    services.unschedule_case(
        actor=world.users["sekretariat2"],
        case_id=cph_case.pk,
        reason="x",
        reason_code="meeting_moved",
    )
    user = User.objects.create_user(username="mix", password="x")
    grant_role(user=user, role=Role.SECRETARIAT, municipality=world.team.municipality)
    grant_role(user=user, role=Role.CASEWORKER, municipality=Municipality.objects.get(code="101"))
    client.force_login(user)
    # Work in two roles: the secretariat's part is its own tab on the start page.
    assert '<a href="?arbejde=sekretariat">' in client.get("/").content.decode()
    page = client.get("/", {"arbejde": "sekretariat"}).content.decode()
    section = page.split("secretariat-heading", 1)[1].split("</section>", 1)[0]
    assert "Ole Hansen" not in section, section[:1500]


def test_advice_draft_page_malformed(client: Any, world: World) -> None:
    case = _held(world)
    client.force_login(world.users["koordinator"])
    with clock.frozen(AFTER):
        for data in (
            {"advice-text": "a\x00b", "draft": "1"},
            {"advice-text": "a" * 300000, "advice-accommodations": "b" * 300000, "draft": "1"},
            {"draft": "1"},
        ):
            r = client.post(reverse("cases:advice", args=[case.pk]), data)
            assert r.status_code in (200, 302)
    # Compared in Python: PostgreSQL refuses a NUL even in a query.
    assert all("\x00" not in draft.text for draft in AdviceDraft.objects.all())


# --- Meetings without a team -------------------------------------------------------------------
def test_teamless_meeting_pages_and_api(client: Any, world: World, api: Any) -> None:
    from sundhedskoordinator.meetings.demo import load_demo_agreements

    load_demo_agreements()
    users = world.users
    cph = Municipality.objects.get(code="101")
    r = api("sekretariat2").post(
        "/meetings",
        {
            "municipality": cph.pk,
            "kind": "conversation",
            "location": "Jobcenter, rum 2",
            "starts_at": local(DEC_17, 9).isoformat(),
            "ends_at": local(DEC_17, 12).isoformat(),
        },
    )
    assert r.status_code == 201, r.content
    meeting = Meeting.objects.get(pk=r.json()["id"])
    assert meeting.team_id is None
    citizen = citizen_services.create_citizen(
        actor=users["sagsbehandler2"],
        cpr="0202921234",
        name="Ole Hansen",
        municipality=cph,
        course_start=dt.date(2026, 1, 1),
    )
    cast = Cast(users["sagsbehandler2"], users["sekretariat2"], users["koordinator2"])
    case = walk_case_to(
        new_case(citizen=citizen, caseworker=users["sagsbehandler2"]),
        Status.SENT,
        cast=cast,
        meeting=meeting,
    )
    other = meeting_services.create_meeting(
        actor=users["sekretariat2"],
        municipality=cph,
        kind="conversation",
        location="Rum 4",
        starts_at=local(dt.date(2026, 12, 18), 9),
        ends_at=local(dt.date(2026, 12, 18), 12),
    )
    for username in ("sekretariat2", "koordinator2", "sagsbehandler2", "klinisk2", "borger"):
        u = users.get(username) or User.objects.get(username=username)
        client.force_login(u)
        for path in (
            reverse("meetings:list"),
            reverse("meetings:agenda", args=[meeting.pk]),
            reverse("meetings:change", args=[meeting.pk]),
            reverse("meetings:cancel", args=[meeting.pk]),
            reverse("meetings:agenda-pdf", args=[meeting.pk]),
            reverse("cases:detail", args=[case.pk]),
            reverse("cases:invitation", args=[case.pk]),
            "/",
        ):
            assert client.get(path).status_code in (200, 302, 404), (username, path)
    for path in (
        f"/meetings/{meeting.pk}",
        f"/meetings/{meeting.pk}/agenda",
        f"/meetings/{meeting.pk}/calendar.ics",
        f"/meetings/{meeting.pk}/agenda.pdf",
        f"/meetings/{meeting.pk}/coordinators",
        "/meetings",
    ):
        assert api("sekretariat2").get(path).status_code == 200, path
        assert api("sekretariat").get(path).status_code in (200, 404), path
    client.force_login(users["sekretariat2"])
    r = client.post(
        reverse("meetings:change", args=[meeting.pk]),
        {
            "starts_at": "2026-12-17T10:00",
            "ends_at": "2026-12-17T13:00",
            "location": "Rum 3",
            "reason": "r",
        },
    )
    assert r.status_code == 302
    r = client.post(
        reverse("meetings:cancel", args=[meeting.pk]),
        {"reason_code": "meeting_moved", "move_to": other.pk, "confirm": "on"},
    )
    assert r.status_code == 302, r.content.decode()[:3000]


@pytest.mark.parametrize("day", ["0001-01-01", "0001-01-02"])
def test_create_page_far_past(client: Any, world: World, day: str) -> None:
    client.force_login(world.users["sekretariat"])
    r = client.post(
        reverse("meetings:create"),
        {
            "team": world.team.pk,
            "kind": "rehab_team",
            "starts_at": f"{day}T09:00",
            "ends_at": f"{day}T12:00",
            "location": "",
            "extraordinary_reason": "test",
            "municipality": world.team.municipality_id,
        },
    )
    assert r.status_code in (200, 302)
