"""The load benchmark's second, independent measurement (bench/load.py ``crosscheck``): wrk, a
load generator in C, reads the same server right after locust. Its reading of wrk's output and
its table are checked with hand-counted figures; its Lua script and command line against a
small HTTP server of the test's own, with the real wrk."""

from __future__ import annotations

import http.server
import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import load  # noqa: E402

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000/api/v1/cases/7
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    52.10ms    9.01ms 120.30ms   71.00%
  1500 requests in 10.00s, 4.10MB read
Requests/sec:    150.00
Transfer/sec:    419.80KB
{"wrk": 1, "requests": 1500, "seconds": 10.000000, "bytes": 4300800, "failures": 3, \
"socket_errors": 2, "p50_ms": 50.125, "p95_ms": 70.240, "p99_ms": 99.875}
"""


def test_wrk_figures_are_read_from_the_scripts_line() -> None:
    figures = load.wrk_figures(WRK_OUTPUT)
    assert figures == {
        "requests": 1500,
        "failures": 5,  # 3 answers other than 2xx and 2 socket errors
        "per_second": 150.0,  # 1500 / 10 s
        "p50_ms": 50.1,
        "p95_ms": 70.2,
        "p99_ms": 99.9,
        "kb_per_answer": 2.8,  # 4,300,800 bytes / 1,500 answers = 2,867.2 bytes
    }


def test_wrk_output_without_the_scripts_line_is_refused() -> None:
    with pytest.raises(SystemExit, match="wrk"):
        load.wrk_figures("Running 10s test @ http://127.0.0.1:8000/\n")


LOCUST = [
    {"name": load.BASELINE, "per_second": 1000.0, "p95_ms": 10.0},
    {"name": "API case detail", "per_second": 100.0, "p95_ms": 90.0},
    {"name": "API create case", "per_second": 80.0, "p95_ms": 120.0},
]


def test_the_shares_are_of_wrks_own_baseline_and_beside_locusts_figure() -> None:
    rows = load.crosscheck_rows(
        [
            {"name": load.BASELINE, "per_second": 1600.0, "failures": 0},
            {"name": "API case detail", "per_second": 120.0, "failures": 0},
        ],
        LOCUST,
    )
    assert rows[0]["of_baseline"] == 1.0
    assert rows[1]["of_baseline"] == 0.075  # 120 / 1600
    assert rows[0]["of_locust"] == 1.6  # 1600 / 1000
    assert rows[1]["of_locust"] == 1.2  # 120 / 100


def test_without_a_baseline_no_share_is_made_up() -> None:
    rows = load.crosscheck_rows([{"name": "API case detail", "per_second": 120.0}], LOCUST)
    assert rows[0]["of_baseline"] is None
    assert rows[0]["of_locust"] == 1.2


def _result(crosscheck: dict | None) -> dict:
    result = {
        "date": "2026-12-05",
        "database": "sqlite",
        "commit": "abc1234",
        "machine": {"cpus": 2, "python": "3.12.1"},
        "server": {"workers": 2, "clients": 8, "make": "serve"},
        "world": {"cases": 1014, "year": 2025},
        "requests_per_endpoint": 300,
        "rounds": 3,
        "peak_rss_mb_per_worker": [150.0, 151.0],
        "endpoints": [
            {
                "name": name,
                "requests": 300,
                "failures": 0,
                "per_second": rate,
                "per_second_by_round": [rate, rate, rate],
                "of_baseline": round(rate / 1000.0, 3),
                "p50_ms": 5.0,
                "p95_ms": p95,
                "p99_ms": 12.0,
                "queries_mean": 0.0,
                "queries_max": 0,
                "peak_rss_mb": 150.0,
                "answer_kb": 0.1,
            }
            for name, rate, p95 in (
                (row["name"], row["per_second"], row["p95_ms"]) for row in LOCUST
            )
        ],
    }
    if crosscheck is not None:
        result["crosscheck"] = crosscheck
    return result


CROSSCHECK = {
    "driver": "wrk 4.1.0",
    "before_writes": True,
    "threads": 2,
    "connections": 8,
    "seconds": 10,
    "endpoints": [
        {
            "name": load.BASELINE,
            "requests": 16000,
            "failures": 0,
            "per_second": 1600.0,
            "p50_ms": 4.5,
            "p95_ms": 8.25,
            "p99_ms": 11.0,
            "of_baseline": 1.0,
            "of_locust": 1.6,
        },
        {
            "name": "API case detail",
            "requests": 1200,
            "failures": 0,
            "per_second": 120.0,
            "p50_ms": 60.0,
            "p95_ms": 80.0,
            "p99_ms": 95.0,
            "of_baseline": 0.075,
            "of_locust": 1.2,
            "kb_per_answer": 3.4,
        },
    ],
}


def test_a_run_with_a_crosscheck_shows_it_under_its_table() -> None:
    text = load.section(_result(CROSSCHECK))
    assert (
        "Cross-check with wrk 4.1.0 (2 threads, 8 connections, 10 s an endpoint) on the same "
        "server, between locust's reads and its writes:"
    ) in text
    lines = text.splitlines()
    row = next(line for line in lines if line.startswith("| API case detail | 120.0 "))
    assert row == (
        "| API case detail | 120.0 | 100.0 | 1.20 | 7.5% | 60.0 / 80.0 / 95.0 | 0 | 3.4 |"
    )
    # A row kept before the answers' size was recorded shows none.
    assert (
        "| baseline: /bench/baseline | 1600.0 | 1000.0 | 1.60 | 100.0% "
        "| 4.5 / 8.25 / 11.0 | 0 | – |"
    ) in text


def test_a_crosscheck_made_after_the_writes_says_so() -> None:
    earlier = {k: v for k, v in CROSSCHECK.items() if k != "before_writes"}
    text = load.section(_result(earlier))
    assert "after locust's writes (so the lists it read held the cases they had created)" in text


def test_a_failed_wrk_is_said_under_what_it_measured() -> None:
    failed = {**CROSSCHECK, "error": "page: case: wrk printed no figures"}
    text = load.section(_result(failed))
    assert (
        "wrk failed, and the cross-check stopped there: page: case: wrk printed no figures" in text
    )
    assert "| API case detail | 120.0 " in text


def test_an_endpoint_locust_did_not_measure_shows_no_figure_of_its_own() -> None:
    alone = {
        "name": "page: case",
        "requests": 500,
        "failures": 0,
        "per_second": 50.0,
        "p50_ms": 150.0,
        "p95_ms": 170.0,
        "p99_ms": 180.0,
        "of_baseline": 0.031,
        "of_locust": None,
    }
    text = load.section(_result({**CROSSCHECK, "endpoints": [*CROSSCHECK["endpoints"], alone]}))
    assert "| page: case | 50.0 | – | – | 3.1% | 150.0 / 170.0 / 180.0 | 0 | – |" in text


def test_a_run_without_one_shows_none() -> None:
    assert "Cross-check" not in load.section(_result(None))


# The real wrk, with the Lua script and the command line the benchmark gives it.


class _Answers(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    #: The headers of the last request, for the test to read.
    seen: dict[str, str] = {}

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        _Answers.seen = dict(self.headers)
        if self.path == "/ok":
            status = 200
        elif self.path == "/slow":
            time.sleep(0.02)
            status = 200
        elif self.path == "/token":
            status = 200 if self.headers.get("Authorization") == "Bearer t0ken" else 401
        elif self.path == "/page":
            status = 200 if self.headers.get("Cookie") == "sid=first" else 302
        else:
            status = 302  # as a page answers a request without its session: to the log-in
        body = b"ok"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        if status == 302:
            self.send_header("Location", "/log-ind/")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # wrk drops its connections when its time is up


@pytest.fixture
def server() -> Iterator[str]:
    httpd = _Server(("127.0.0.1", 0), _Answers)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _wrk(url: str, spec: dict) -> dict:
    wrk = shutil.which("wrk")
    assert wrk, "wrk is installed by `make test` and `make bench` (Debian's package wrk)"
    command = load.wrk_command(wrk, url, spec, "sid", seconds=1)
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)  # noqa: S603
    return load.wrk_figures(done.stdout)


def test_wrk_counts_answers_and_their_percentiles(server: str) -> None:
    figures = _wrk(server, {"path": "/ok"})
    assert figures["requests"] > 0
    assert figures["failures"] == 0
    assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"]
    assert figures["per_second"] > 0
    # Behind the production server's TLS proxy, as locust sends it.
    assert _Answers.seen.get("X-Forwarded-Proto") == "https"


def test_the_units_are_milliseconds_and_seconds(server: str) -> None:
    """Every answer of /slow takes 20 ms: the percentiles read about 20 (not 20,000 or 0.02),
    and the requests over the rate give wrk's run of about 1 s."""
    figures = _wrk(server, {"path": "/slow"})
    assert 15 <= figures["p50_ms"] <= 200
    assert 0.9 <= figures["requests"] / figures["per_second"] <= 1.5
    assert figures["kb_per_answer"] is not None
    assert 0 < figures["kb_per_answer"] < 1  # "ok" and a few headers


def test_a_redirect_is_a_failure_not_a_fast_success(server: str) -> None:
    figures = _wrk(server, {"path": "/elsewhere"})
    assert figures["requests"] > 0
    assert figures["failures"] == figures["requests"]


def test_the_token_and_the_first_session_are_sent(server: str) -> None:
    assert _wrk(server, {"path": "/token", "token": "t0ken"})["failures"] == 0
    assert _wrk(server, {"path": "/page", "sessions": ["first", "second"]})["failures"] == 0
    assert _wrk(server, {"path": "/token"})["failures"] > 0


def test_the_script_line_is_json() -> None:
    line = WRK_OUTPUT.splitlines()[-1]
    assert json.loads(line)["wrk"] == 1
