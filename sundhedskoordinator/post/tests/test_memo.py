"""MeMo messages: what the builder writes is valid under the shipped schema, checked by two
independent validators (xmlschema, and libxml2 through lxml); what breaks the schema is
refused, and the refusal never repeats a value (a CPR number may be one)."""

import base64
import datetime as dt
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from lxml import etree

from sundhedskoordinator.post import memo

NS = {"memo": "https://DigitalPost.dk/MeMo-1"}
CPR = "1203851234"
PDF = b"%PDF-1.7\n% a letter\n"


def _message(**changes):
    values = {
        "message_uuid": uuid.UUID("0b9c1d8e-2f3a-4b5c-9d6e-7f8091a2b3c4"),
        "sender": memo.Party("35209115", "Odense Kommune"),
        "recipient": memo.Party(CPR, "Mette Sørensen"),
        "title": "Indkaldelse til samtale med sundhedskoordinator, 15.12.2026",
        "notification": "Du har fået post fra Odense Kommune om din sag.",
        "created_at": dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC),
        "pdf": PDF,
        "filename": "indkaldelse.pdf",
        "case_reference": "SK-2026-00001",
        "calendar": b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        "link": "https://sundhedskoordinator.example/sager/1/",
        "reservation": memo.Reservation(
            uid=uuid.UUID("1b9c1d8e-2f3a-4b5c-8d6e-7f8091a2b3c4"),
            description="Samtale med sundhedskoordinator – sag SK-2026-00001",
            location="Jobcenter Odense, Ørbækvej 64, 5220 Odense SØ",
            starts_at=dt.datetime(2026, 12, 15, 8, 0, tzinfo=dt.UTC),
            ends_at=dt.datetime(2026, 12, 15, 8, 30, tzinfo=dt.UTC),
        ),
    }
    values.update(changes)
    return memo.Message(**values)


def _libxml2(content: bytes) -> etree.XMLSchema:
    schema = etree.XMLSchema(etree.parse(str(Path(settings.MEMO_XSD))))
    return schema.validate(etree.fromstring(content)), schema.error_log


def test_a_full_message_is_valid_for_both_validators():
    content = memo.build(_message())
    memo.validate(content)  # xmlschema
    valid, log = _libxml2(content)
    assert valid, log


def test_the_message_carries_what_the_citizen_gets_and_names_her_by_cpr_only_inside():
    content = memo.build(_message())
    root = etree.fromstring(content)
    assert root.get("memoVersion") == "1.1"
    assert root.findtext("memo:MessageHeader/memo:Recipient/memo:recipientID", namespaces=NS) == CPR
    assert root.findtext("memo:MessageHeader/memo:Recipient/memo:idType", namespaces=NS) == "CPR"
    sender = root.findtext("memo:MessageHeader/memo:Sender/memo:senderID", namespaces=NS)
    assert sender == "35209115"
    pdf = root.findtext("memo:MessageBody/memo:MainDocument/memo:File/memo:content", namespaces=NS)
    assert base64.b64decode(pdf) == PDF
    ics = root.findtext(
        "memo:MessageBody/memo:AdditionalDocument/memo:File/memo:content", namespaces=NS
    )
    assert base64.b64decode(ics).startswith(b"BEGIN:VCALENDAR")
    codes = root.findall(".//memo:Action/memo:actionCode", namespaces=NS)
    assert [c.text for c in codes] == ["INFORMATION", "AFTALE"]
    # The CPR number is the recipient's identifier and nothing else.
    assert content.count(CPR.encode()) == 1


def test_a_minimal_message_without_case_calendar_or_links_is_valid():
    content = memo.build(_message(case_reference="", calendar=b"", link="", reservation=None))
    memo.validate(content)
    assert _libxml2(content)[0]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"recipient": memo.Party("120385123", "Mette")}, "recipientID"),  # 9 digits
        ({"recipient": memo.Party("12038512345", "Mette")}, "recipientID"),  # 11 digits
        ({"sender": memo.Party("3520911", "Odense")}, "senderID"),  # 7 digits
        ({"title": "x" * 257}, "label"),
        ({"filename": ""}, None),  # an empty filename is still a string: allowed
    ],
)
def test_what_breaks_the_schema_is_refused_without_repeating_the_value(change, where):
    content = memo.build(_message(**change))
    valid, _log = _libxml2(content)
    if where is None:
        memo.validate(content)
        assert valid
        return
    with pytest.raises(memo.InvalidMessageError) as refused:
        memo.validate(content)
    assert not valid
    assert where in str(refused.value)
    for value in change.values():
        assert value.__class__ is not memo.Party or value.identifier not in str(refused.value)


def test_the_title_may_have_256_characters_but_not_257():
    memo.validate(memo.build(_message(title="x" * 256)))
    with pytest.raises(memo.InvalidMessageError):
        memo.validate(memo.build(_message(title="x" * 257)))


def test_the_notification_is_cut_to_the_150_characters_the_mailbox_shows():
    content = memo.build(_message(notification="y" * 200))
    root = etree.fromstring(content)
    assert root.findtext("memo:MessageHeader/memo:notification", namespaces=NS) == "y" * 150
    memo.validate(content)


def test_the_schema_refuses_a_notification_of_151_characters_written_by_hand():
    content = memo.build(_message()).replace(
        b"Du har f\xc3\xa5et post fra Odense Kommune om din sag.", b"z" * 151
    )
    assert not _libxml2(content)[0]
    with pytest.raises(memo.InvalidMessageError):
        memo.validate(content)


def test_elements_out_of_order_are_refused():
    content = memo.build(_message())
    root = etree.fromstring(content)
    header = root.find("memo:MessageHeader", namespaces=NS)
    sender = header.find("memo:Sender", namespaces=NS)
    header.remove(sender)
    header.append(sender)  # after the Recipient and ContentData
    moved = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    assert not _libxml2(moved)[0]
    with pytest.raises(memo.InvalidMessageError):
        memo.validate(moved)


def test_characters_xml_cannot_carry_are_left_out_and_the_message_stays_valid():
    text = "Mødelokale\x00 2\x0b, stue\ufffe"
    content = memo.build(
        _message(
            title="Ny tid\x01",
            reservation=memo.Reservation(
                uid=uuid.UUID("1b9c1d8e-2f3a-4b5c-8d6e-7f8091a2b3c4"),
                description="Samtale",
                location=text,
                starts_at=dt.datetime(2026, 12, 15, 8, 0, tzinfo=dt.UTC),
                ends_at=dt.datetime(2026, 12, 15, 8, 30, tzinfo=dt.UTC),
            ),
        )
    )
    memo.validate(content)
    assert _libxml2(content)[0]
    assert "Mødelokale 2, stue".encode() in content


def test_a_message_that_is_not_xml_is_refused_as_invalid():
    with pytest.raises(memo.InvalidMessageError):
        memo.validate(b"<memo:Message xmlns:memo='https://DigitalPost.dk/MeMo-1'>\x00")
