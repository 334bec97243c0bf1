"""Reminders go out once, on the right working day, however often the scheduler runs: a month of
simulated days with the scheduler run twice at every tick (directly and through the task worker),
counting the e-mails."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from sundhedskoordinator.cases import reminders, services
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.tasks import send_reminders
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.core import clock
from sundhedskoordinator.meetings.selectors import agreement_for
from sundhedskoordinator.notifications.models import Notification, Reminder
from sundhedskoordinator.organisations.models import Region

pytestmark = pytest.mark.django_db(transaction=True)
CPH = ZoneInfo("Europe/Copenhagen")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=CPH)


def run_scheduler_twice(moment, *, worker: bool):
    """The scheduler at ``moment``: once directly, once more through the queued task and the
    database worker (or directly again)."""
    with clock.frozen(moment), time_machine.travel(moment, tick=False):
        reminders.send_due_reminders()
        if worker:
            send_reminders.enqueue(reschedule=False)
            call_command("db_worker", "--batch", "--no-startup-delay", verbosity=1)
        else:
            reminders.send_due_reminders()


def test_the_secretariat_is_reminded_once_two_working_days_before_the_deadline(world, mailoutbox):
    # The region's agreement keeps the seed procedure's 2 days.
    for user in world.users.values():
        user.email = f"{user.username}@test.invalid"
        user.save()
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )
    # The deadline is Tuesday 1 December; two working days before it is Friday 27 November.
    sent_on = {}
    day = dt.date(2026, 11, 23)
    while day <= dt.date(2026, 12, 23):
        for hour in (7, 13):
            before = len(mailoutbox)
            run_scheduler_twice(at(day, hour), worker=hour == 7)
            for message in mailoutbox[before:]:
                sent_on.setdefault(message.to[0], []).append(day)
        day += dt.timedelta(days=1)

    # Odense's secretariat only (sekretariat2 is Copenhagen's), once, on the right working day;
    # and once more on Wednesday 16 December, the day after the meeting passed with the case
    # still not sent (issue 16: no case is forgotten).
    assert sent_on == {"sekretariat@test.invalid": [dt.date(2026, 11, 27), dt.date(2026, 12, 16)]}
    assert Reminder.objects.filter(kind="remind_dispatch").count() == 1
    assert Reminder.objects.filter(kind="remind_stuck").count() == 1
    for message in mailoutbox:
        assert case.reference in message.subject
        assert "1203851234" not in message.body and "løft" not in message.body.lower()


def test_no_reminder_for_a_package_already_sent(world, mailoutbox):
    walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SENT,
        cast=world.cast,
        meeting=world.meeting,
    )
    run_scheduler_twice(at(dt.date(2026, 11, 30), 8), worker=False)
    assert not Reminder.objects.exists()


def test_a_meeting_passed_without_the_conversation_reminds_secretariat_and_coordinator_once(
    world, mailoutbox
):
    walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SENT,
        cast=world.cast,
        meeting=world.meeting,
    )
    run_scheduler_twice(at(dt.date(2026, 12, 15), 16), worker=False)  # the meeting day itself
    assert not Reminder.objects.filter(kind="remind_stuck").exists()
    for day in (dt.date(2026, 12, 16), dt.date(2026, 12, 17)):
        run_scheduler_twice(at(day, 8), worker=False)
    stuck = Notification.objects.filter(kind="remind_stuck")
    assert sorted(n.user.username for n in stuck) == ["koordinator", "sekretariat"]


def test_late_advice_reminds_the_coordinator_and_a_waiting_decision_the_caseworker_once(
    world, mailoutbox
):
    # The seed procedure: a 15-minute advice block, a decision reminder after 5 working days.
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.HELD,
        cast=world.cast,
        meeting=world.meeting,
    )
    ended = case.conversations.get().ended_at
    run_scheduler_twice(ended + dt.timedelta(minutes=10), worker=False)
    assert not Reminder.objects.exists()  # within the 15 minutes
    for minutes in (16, 30, 120):
        run_scheduler_twice(ended + dt.timedelta(minutes=minutes), worker=False)
    advice_reminders = Notification.objects.filter(kind="remind_advice")
    assert [n.user.username for n in advice_reminders] == ["koordinator"]

    # The advice comes on Tuesday 15 December; the decision waits.
    with clock.frozen(ended + dt.timedelta(hours=3)):
        services.write_advice(actor=world.users["koordinator"], case_id=case.pk, text="Råd.")
    reminded_on = []
    day = dt.date(2026, 12, 15)
    while day <= dt.date(2027, 1, 15):
        run_scheduler_twice(at(day, 8), worker=False)
        if Notification.objects.filter(kind="remind_decision").exists() and not reminded_on:
            reminded_on.append(day)
        day += dt.timedelta(days=1)
    # Five working days after Tuesday 15 December: 16, 17, 18, 21, 22 December.
    assert reminded_on == [dt.date(2026, 12, 22)]
    decision = Notification.objects.filter(kind="remind_decision")
    assert [n.user.username for n in decision] == ["sagsbehandler"]


def test_the_task_reschedules_itself_and_schedule_reminders_queues_one_chain(world):
    from django_tasks_db.models import DBTaskResult

    moment = at(dt.date(2026, 11, 24), 8)
    with clock.frozen(moment), time_machine.travel(moment, tick=False):
        call_command("schedule_reminders", verbosity=0)
        call_command("schedule_reminders", verbosity=0)
        chain = DBTaskResult.objects.filter(task_path=send_reminders.module_path)
        assert chain.filter(status="READY").count() == 1
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert chain.filter(status="SUCCESSFUL").count() == 1
    following = chain.get(status="READY")
    assert following.run_after == moment + dt.timedelta(minutes=15)


def _agree(region, **numbers):
    agreement = agreement_for(region)
    for field, value in numbers.items():
        setattr(agreement, field, value)
    agreement.save()


def _first_day_with(kind, first, last, hour=8):
    day = first
    while day <= last:
        run_scheduler_twice(at(day, hour), worker=False)
        if Notification.objects.filter(kind=kind).exists():
            return day
        day += dt.timedelta(days=1)
    return None


def test_the_dispatch_reminder_follows_the_case_regions_agreement(world):
    """Odense's region agrees on 4 days; another region's 6 days do not apply to its cases.
    Counted by hand back from the deadline Tuesday 1 December: 30 Nov, 27, 26 and 25 November."""
    region = world.meeting.team.municipality.region
    _agree(region, reminder_dispatch_working_days=4)
    _agree(Region.objects.exclude(pk=region.pk).first(), reminder_dispatch_working_days=6)
    walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )
    first = _first_day_with("remind_dispatch", dt.date(2026, 11, 23), dt.date(2026, 12, 1))
    assert first == dt.date(2026, 11, 25)


def test_the_dispatch_reminder_is_not_pulled_forward_by_another_regions_agreement(world):
    region = world.meeting.team.municipality.region
    _agree(Region.objects.exclude(pk=region.pk).first(), reminder_dispatch_working_days=6)
    walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )
    first = _first_day_with("remind_dispatch", dt.date(2026, 11, 23), dt.date(2026, 12, 1))
    assert first == dt.date(2026, 11, 27)  # the seed's 2 days: 30 November and 1 December


def test_the_advice_reminder_waits_for_the_items_own_advice_block(world):
    """The agreement gives 20 minutes to the advice when the case is scheduled: no reminder 16
    or 19 minutes after the conversation, one when the 20 minutes are up."""
    _agree(world.meeting.team.municipality.region, advice_block_minutes=20)
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.HELD,
        cast=world.cast,
        meeting=world.meeting,
    )
    ended = case.conversations.get().ended_at
    for minutes in (16, 19):
        run_scheduler_twice(ended + dt.timedelta(minutes=minutes), worker=False)
    assert not Notification.objects.filter(kind="remind_advice").exists()
    run_scheduler_twice(ended + dt.timedelta(minutes=20), worker=False)
    assert Notification.objects.filter(kind="remind_advice").count() == 1


def test_the_decision_reminder_follows_the_agreed_working_days(world):
    """3 working days after advice on Tuesday 15 December: 16, 17 and 18 December."""
    region = world.meeting.team.municipality.region
    _agree(region, reminder_decision_working_days=3)
    _agree(Region.objects.exclude(pk=region.pk).first(), reminder_decision_working_days=1)
    case = walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.HELD,
        cast=world.cast,
        meeting=world.meeting,
    )
    ended = case.conversations.get().ended_at
    with clock.frozen(ended + dt.timedelta(minutes=5)):
        services.write_advice(actor=world.users["koordinator"], case_id=case.pk, text="Råd.")
    first = _first_day_with("remind_decision", dt.date(2026, 12, 15), dt.date(2026, 12, 31))
    assert first == dt.date(2026, 12, 18)
