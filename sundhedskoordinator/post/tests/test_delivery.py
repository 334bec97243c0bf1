"""Letters reach the citizen: by Digital Post through the outbox or over HTTP (retried by the
task worker with backoff, handed over exactly once), on paper for citizens exempt, and in the
app for those who log in; every delivery is recorded on the case, failed ones are shown to the
caseworker, and only the citizen and the people on her case may read a letter."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.management import call_command
from lxml import etree
from pypdf import PdfReader

from conftest import NOW
from sundhedskoordinator.access.models import AccessLog
from sundhedskoordinator.cases.choices import Status
from sundhedskoordinator.cases.walk import new_case, walk_case_to
from sundhedskoordinator.core import clock
from sundhedskoordinator.core.errors import DomainError, NotFoundError
from sundhedskoordinator.organisations.choices import Role
from sundhedskoordinator.organisations.models import User
from sundhedskoordinator.organisations.services import grant_role
from sundhedskoordinator.post import selectors, services
from sundhedskoordinator.post.models import Delivery
from sundhedskoordinator.post.services import Recipient, channels_for

pytestmark = pytest.mark.django_db(transaction=True)
NS = {"memo": "https://DigitalPost.dk/MeMo-1"}


@contextlib.contextmanager
def at(moment: dt.datetime):
    with clock.frozen(moment), time_machine.travel(moment, tick=False):
        yield


def worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


class Receiver:
    """A stand-in for the national service on this machine: it answers each POST as told, keeps
    what it accepted by message UUID, and answers a UUID it knows with 409."""

    def __init__(self, answers: list[int | str]) -> None:
        self.answers = list(answers)
        self.requests: list[str] = []
        self.accepted: dict[str, bytes] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                key = self.headers["X-Message-UUID"]
                receiver.requests.append(key)
                answer = receiver.answers.pop(0) if receiver.answers else 202
                if key in receiver.accepted:
                    code = 409
                elif answer == "keep-then-500":  # took it, but the answer says it failed
                    receiver.accepted[key] = body
                    code = 500
                elif answer == 202:
                    receiver.accepted[key] = body
                    code = 202
                else:
                    code = int(answer)
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/memo"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def outbox(settings, tmp_path) -> Path:
    settings.DIGITAL_POST_TRANSPORT = "outbox"
    settings.DIGITAL_POST_OUTBOX = tmp_path / "outbox"
    return settings.DIGITAL_POST_OUTBOX


@pytest.fixture
def receiver(settings, world, outbox):
    # The world's guidance letter goes out through the outbox first; then the service is HTTP.
    with at(NOW):
        worker()
    service = Receiver([])
    settings.DIGITAL_POST_TRANSPORT = "http"
    settings.DIGITAL_POST_URL = service.url
    settings.DIGITAL_POST_TIMEOUT_SECONDS = 5
    yield service
    service.close()


def _scheduled(world):
    return walk_case_to(
        new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
        Status.SCHEDULED,
        cast=world.cast,
        meeting=world.meeting,
    )


def _summons(case) -> Delivery:
    return Delivery.objects.get(case=case, kind="summons", channel="digital_post")


def _libxml2_valid(content: bytes) -> bool:
    schema = etree.XMLSchema(etree.parse(str(django_settings.MEMO_XSD)))
    return schema.validate(etree.fromstring(content))


@pytest.mark.parametrize(
    ("exempt", "has_login", "expected"),
    [
        (False, False, ["digital_post"]),
        (False, True, ["digital_post", "inbox"]),
        (True, False, ["paper"]),
        (True, True, ["paper", "inbox"]),
    ],
)
def test_each_citizen_gets_her_legal_channel_and_the_inbox_when_she_logs_in(
    exempt, has_login, expected
):
    recipient = Recipient(1, "1203851234", "Mette", has_login=has_login, exempt=exempt)
    assert channels_for(recipient) == expected


def test_the_summons_goes_by_digital_post_through_the_outbox_exactly_once(world, outbox):
    with at(NOW):
        case = _scheduled(world)
        summons = _summons(case)
        assert summons.state == "queued"
        # She logs in, so the letter is in her inbox in the system at once as well.
        inbox = Delivery.objects.get(case=case, kind="summons", channel="inbox")
        assert inbox.state == "sent"
        worker()
    summons.refresh_from_db()
    assert summons.state == "sent"
    assert summons.receipt == f"outbox:{summons.message_uuid}"
    assert summons.attempts == 1
    handed_over = outbox / f"{summons.message_uuid}.xml"
    content = handed_over.read_bytes()
    assert content == summons.message.read()
    assert _libxml2_valid(content)
    root = etree.fromstring(content)
    pdf = root.findtext(".//memo:MainDocument/memo:File/memo:content", namespaces=NS)
    with summons.document.open("rb") as letter:
        assert base64.b64decode(pdf) == letter.read()
    assert root.findtext(".//memo:Recipient/memo:recipientID", namespaces=NS) == "1203851234"
    # Running the hand-over again, or the safety net, sends nothing more.
    files = sorted(outbox.iterdir())
    with at(NOW + dt.timedelta(days=1)):
        assert services.deliver(summons.pk) == "sent"
        assert services.deliver_due() == 0
        worker()
    assert sorted(outbox.iterdir()) == files
    summons.refresh_from_db()
    assert summons.attempts == 1


def test_a_failed_hand_over_is_retried_after_the_backoff_and_received_once(world, receiver):
    receiver.answers = [503]
    with at(NOW):
        case = _scheduled(world)
        summons = _summons(case)
        worker()
        summons.refresh_from_db()
        assert summons.state == "queued"
        assert summons.attempts == 1
        assert summons.next_attempt_at == NOW + dt.timedelta(minutes=1)
        assert "503" in summons.failure
        worker()  # the retry waits for its time: nothing more is sent
    assert receiver.requests == [str(summons.message_uuid)]
    with at(NOW + dt.timedelta(seconds=59)):
        worker()
        assert services.deliver_due() == 0
    assert len(receiver.requests) == 1
    with at(NOW + dt.timedelta(minutes=1, seconds=1)):
        worker()
    summons.refresh_from_db()
    assert summons.state == "sent"
    assert summons.failure == ""
    assert receiver.requests == [str(summons.message_uuid)] * 2
    assert list(receiver.accepted) == [str(summons.message_uuid)]
    assert receiver.accepted[str(summons.message_uuid)] == summons.message.read()
    with at(NOW + dt.timedelta(hours=3)):
        worker()
        services.deliver_due()
        services.deliver(summons.pk)
    assert len(receiver.requests) == 2


def test_a_message_taken_but_answered_as_failed_is_not_received_twice(world, receiver):
    receiver.answers = ["keep-then-500"]
    with at(NOW):
        summons = _summons(_scheduled(world))
        worker()
    with at(NOW + dt.timedelta(minutes=2)):
        worker()
    summons.refresh_from_db()
    assert summons.state == "sent"
    # Asked twice with the same UUID, the service holds the message once.
    assert receiver.requests == [str(summons.message_uuid)] * 2
    assert len(receiver.accepted) == 1


def test_the_backoff_grows_and_the_letter_fails_after_the_last_attempt(world, receiver):
    receiver.answers = [503] * 10
    with at(NOW):
        summons = _summons(_scheduled(world))
    waits = []
    moment = NOW
    for attempt in range(1, services.MAX_ATTEMPTS + 1):
        with at(moment):
            assert services.deliver(summons.pk) == ("failed" if attempt == 6 else "queued")
        summons.refresh_from_db()
        assert summons.attempts == attempt
        if summons.next_attempt_at:
            waits.append(summons.next_attempt_at - moment)
            moment = summons.next_attempt_at
    assert waits == [
        dt.timedelta(minutes=1),
        dt.timedelta(minutes=5),
        dt.timedelta(minutes=30),
        dt.timedelta(hours=2),
        dt.timedelta(hours=6),
    ]
    assert summons.state == "failed"
    assert "503" in summons.failure
    with at(moment + dt.timedelta(days=1)):
        assert services.deliver(summons.pk) == "failed"
    assert len(receiver.requests) == services.MAX_ATTEMPTS


def test_a_refused_letter_shows_in_the_caseworkers_queue_and_is_sent_again_once(world, receiver):
    receiver.answers = [400]
    caseworker = world.users["sagsbehandler"]
    with at(NOW):
        summons = _summons(_scheduled(world))
        worker()
    summons.refresh_from_db()
    assert summons.state == "failed"
    assert "400" in summons.failure
    assert list(selectors.failed_for(caseworker)) == [summons]
    # Nobody else's queue: not the secretariat's, not another municipality's caseworker's.
    assert not selectors.failed_for(world.users["sekretariat"]).exists()
    assert not selectors.failed_for(world.users["sagsbehandler2"]).exists()
    with pytest.raises(DomainError) as refused:
        services.send_again(actor=world.users["sagsbehandler2"], delivery_id=summons.pk)
    assert refused.value.code == "not_found"  # as if it did not exist
    with at(NOW + dt.timedelta(hours=1)):
        services.send_again(actor=caseworker, delivery_id=summons.pk)
        worker()
    summons.refresh_from_db()
    assert summons.state == "sent"
    assert list(receiver.accepted) == [str(summons.message_uuid)]
    assert not selectors.failed_for(caseworker).exists()
    with pytest.raises(DomainError) as again:
        services.send_again(actor=caseworker, delivery_id=summons.pk)
    assert again.value.code == "invalid_transition"


def test_a_municipality_without_cvr_number_records_the_letter_as_failed_and_goes_on(world, outbox):
    world.team.municipality.cvr = ""
    world.team.municipality.save()
    with at(NOW):
        case = _scheduled(world)
    assert case.status == Status.SCHEDULED
    summons = _summons(case)
    assert summons.state == "failed"
    assert "CVR" in summons.failure
    assert not summons.message
    with pytest.raises(DomainError) as refused:
        services.send_again(actor=world.users["sagsbehandler"], delivery_id=summons.pk)
    assert refused.value.code == "prerequisites_missing"


def test_citizens_exempt_get_paper_printed_in_one_batch_by_their_municipality(world, outbox):
    world.citizen.digital_post_exempt = True
    world.citizen.user = None
    world.citizen.save()
    with at(NOW):
        case = _scheduled(world)
    letters = Delivery.objects.filter(case=case)
    assert [(d.kind, d.channel, d.state) for d in letters] == [("summons", "paper", "queued")]
    with pytest.raises(DomainError) as refused:
        services.print_batch(
            actor=world.users["sagsbehandler2"], municipality_id=case.municipality_id
        )
    assert refused.value.code == "role_not_allowed"
    with at(NOW):
        pdf, count = services.print_batch(
            actor=world.users["sagsbehandler"], municipality_id=case.municipality_id
        )
    assert count == 1
    paper = letters.get()
    with paper.document.open("rb") as letter:
        pages = len(PdfReader(io.BytesIO(letter.read())).pages)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == pages
    assert paper.state == "sent"
    assert paper.receipt.startswith("print:")
    with pytest.raises(DomainError) as empty:
        services.print_batch(
            actor=world.users["sagsbehandler"], municipality_id=case.municipality_id
        )
    assert empty.value.code == "nothing_to_print"


def test_the_decision_letter_is_delivered_and_its_header_carries_no_health_data(world, outbox):
    with at(NOW):
        case = walk_case_to(
            new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"]),
            Status.DECIDED,
            cast=world.cast,
            meeting=world.meeting,
        )
    decision = Delivery.objects.get(case=case, kind="decision", channel="digital_post")
    root = etree.fromstring(decision.message.read())
    header = root.find("memo:MessageHeader", namespaces=NS)
    texts = " ".join(
        header.findtext(f"memo:{name}", namespaces=NS) for name in ("label", "notification")
    )
    assert texts.startswith("Kommunens afgørelse om dit tilbud")
    concern = case.health_concern.text
    assert concern and concern not in texts
    assert concern[:20] not in etree.tostring(header).decode()
    kinds = set(Delivery.objects.filter(case=case).values_list("kind", flat=True))
    assert {"summons", "decision"} <= kinds


def test_only_the_citizen_and_the_caseworker_on_the_case_read_a_letter(world, outbox):
    with at(NOW):
        case = _scheduled(world)
    summons = _summons(case)
    assert selectors.read_letter(user=world.users["borger"], delivery_id=summons.pk) == summons
    assert (
        selectors.read_letter(user=world.users["sagsbehandler"], delivery_id=summons.pk) == summons
    )
    colleague = User.objects.create_user(username="kollega", password="x")
    grant_role(user=colleague, role=Role.CASEWORKER, municipality=case.municipality)
    for outsider in (colleague, world.users["sagsbehandler2"], world.users["borger2"]):
        with pytest.raises(NotFoundError):
            selectors.read_letter(user=outsider, delivery_id=summons.pk)
    log = AccessLog.objects.filter(object_type="letter", object_id=str(summons.pk))
    assert log.filter(action="download").count() == 2
    assert log.filter(action="denied").count() == 3


def test_a_message_missing_from_storage_fails_with_its_reason_instead_of_looping(world, outbox):
    with at(NOW):
        summons = _summons(_scheduled(world))
        summons.message.storage.delete(summons.message.name)
        assert services.deliver(summons.pk) == "failed"
    summons.refresh_from_db()
    assert summons.failure == "Meddelelsen kunne ikke læses fra lageret."
    assert not outbox.exists() or not any(outbox.iterdir())
