"""A file the malware scanner could not scan whole is refused, never passed as clean (issue 19:
the scanner "answered OK at its own limits"). A real ClamAV daemon with small limits answers:
over its file size, its nesting depth, its total scan size, or its stream length, and every such
answer refuses the upload with its own code, on the API and on the case page alike."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sundhedskoordinator.cases.models import Document
from sundhedskoordinator.cases.walk import new_case
from sundhedskoordinator.core.errors import DomainError
from sundhedskoordinator.documents import scanning
from sundhedskoordinator.documents.tests import samples

ROOT = Path(__file__).resolve().parents[3]


def _answers(path: str) -> bool:
    probe = socket.socket(socket.AF_UNIX)
    probe.settimeout(2)
    try:
        probe.connect(path)
        probe.sendall(b"zPING\0")
        return probe.recv(16).startswith(b"PONG")
    except OSError:
        return False
    finally:
        probe.close()


@pytest.fixture(scope="module")
def small_scanner():
    """A daemon of its own, with the test signatures and limits of 1 MB a file, 2 MB a stream,
    4 MB a scan and two levels of archives, alerting when it reaches one."""
    from django.conf import settings

    home = Path(tempfile.mkdtemp(prefix="clamd-"))  # short: a socket path has room for ~100
    config = home / "clamd.conf"
    config.write_text(
        f"LocalSocket {home}/clamd.sock\n"
        f"DatabaseDirectory {Path(settings.CLAMAV_SOCKET).parent / 'db'}\n"
        f"TemporaryDirectory {home}\n"
        "Foreground yes\n"
        "StreamMaxLength 2M\nMaxFileSize 1M\nMaxScanSize 4M\nMaxRecursion 2\n"
        "AlertExceedsMax yes\n" + ("User root\n" if os.getuid() == 0 else "")
    )
    daemon = subprocess.Popen(  # noqa: S603
        [shutil.which("clamd") or "/usr/sbin/clamd", f"--config-file={config}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(240):
            if _answers(f"{home}/clamd.sock"):
                break
            assert daemon.poll() is None, "the small ClamAV daemon did not start"
            time.sleep(0.25)
        yield f"{home}/clamd.sock"
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)
        shutil.rmtree(home, ignore_errors=True)


def _refusal(content: bytes) -> DomainError:
    with pytest.raises(DomainError) as refused:
        scanning.scan(content)
    return refused.value


def test_a_file_within_the_scanners_limits_is_scanned_and_passes(settings, small_scanner):
    settings.CLAMAV_SOCKET = small_scanner
    assert scanning.scan(samples.png_of_size(900 * 1024)) is None


@pytest.mark.parametrize(
    ("what", "content"),
    [
        ("a file over its size", samples.png_of_size(1536 * 1024)),
        ("a part over its size", samples.docx(("word/media/a.bin", os.urandom(1536 * 1024)))),
        ("archives too deep for it", samples.nested(3)),
        (
            "more in all than it scans",
            samples.docx(*[(f"word/media/{i}.bin", os.urandom(700 * 1024)) for i in range(7)]),
        ),
        ("a stream over its length", os.urandom(3 * samples.MB)),
    ],
)
def test_a_file_the_scanner_could_not_scan_whole_is_refused(settings, small_scanner, what, content):
    settings.CLAMAV_SOCKET = small_scanner
    refused = _refusal(content)
    assert refused.code == scanning.SCAN_LIMITS_EXCEEDED, what
    assert refused.status == 422
    assert refused.fields == {"file": refused.message}


def test_the_project_scanner_alerts_at_its_limits_instead_of_passing_the_file():
    config = (ROOT / "scripts" / "clamd.sh").read_text()
    assert "\nAlertExceedsMax yes\n" in config


@pytest.mark.django_db
def test_an_upload_the_scanner_could_not_scan_whole_is_refused_on_every_path(
    world, api, client, settings, small_scanner
):
    settings.CLAMAV_SOCKET = small_scanner
    case = new_case(citizen=world.citizen, caseworker=world.users["sagsbehandler"])
    image = samples.png_of_size(1536 * 1024)  # a real image, over the small daemon's 1 MB
    caseworker = api("sagsbehandler")
    answer = caseworker.client.post(
        f"/api/v1/cases/{case.pk}/documents",
        {"kind": "action_plan", "file": SimpleUploadedFile("scan.png", image)},
        headers={"Authorization": f"Bearer {caseworker.token}"},
    )
    assert answer.status_code == 422, answer.content
    assert answer.json()["error"]["code"] == scanning.SCAN_LIMITS_EXCEEDED
    client.force_login(world.users["sagsbehandler"])
    page = client.post(
        reverse("cases:add-document", args=[case.pk]),
        {"kind": "action_plan", "file": SimpleUploadedFile("scan.png", image)},
    )
    assert page.status_code == 200
    assert _refusal(image).message in page.content.decode()
    assert not Document.objects.exists()
