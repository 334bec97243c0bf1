"""The load of bench/load.py: every client runs the plan's endpoints one after another, each a
fixed number of requests shared by all clients, and waits for the others at the end of each, so
that every endpoint is measured alone. Each request's time, status, ``X-Queries`` and the size
of its answer are written to ``BENCH_OUT`` when the last endpoint is done.

The plan (``BENCH_PLAN``, written by load.py) lists the endpoints: ``method``, ``path``, an
optional JSON ``body``, ``requests``, and either the API ``token`` or the page ``sessions`` (one
per client). A path with ``{created}`` takes, one per request, the ids of the cases an earlier
endpoint with ``collect`` created, so each write acts on a fresh case.

    locust -f bench/locustfile.py --headless -u 8 -r 8 --host http://127.0.0.1:8000
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import gevent
from gevent.event import Event
from locust import FastHttpUser, constant, task

sys.path.insert(0, os.path.dirname(__file__))  # noqa: PTH120
from load import PROXY, peak_memory  # noqa: E402

PLAN: dict[str, Any] = json.loads(open(os.environ["BENCH_PLAN"], encoding="utf-8").read())  # noqa: SIM115, PTH123
CLIENTS: int = PLAN["clients"]


@dataclass
class Phase:
    """One endpoint's share of the run: the requests still to hand out and the clients done."""

    spec: dict[str, Any]
    issued: int = 0
    arrived: int = 0
    done: Event = field(default_factory=Event)
    started: float = 0.0
    ended: float = 0.0
    #: When the clients were let go on to the next endpoint: after the workers' memory was read,
    #: which is not the next endpoint's time.
    released: float = 0.0
    #: (milliseconds, status, ``X-Queries``, bytes of the answer) per request.
    samples: list[tuple[float, int, int | None, int]] = field(default_factory=list)
    #: The workers' peak memory (VmHWM, kB) when the endpoint is done: it only grows.
    rss_kb: list[int] = field(default_factory=list)
    created: list[int] = field(default_factory=list)

    def claim(self) -> int | None:
        # Clients are greenlets of one process: nothing runs between this check and the add.
        if self.issued >= self.spec["requests"]:
            return None
        self.issued += 1
        return self.issued - 1


PHASES = [Phase(spec) for spec in PLAN["endpoints"]]
COLLECTED: dict[str, list[int]] = {}
START = Phase({"requests": 0, "name": "start"})
numbers = itertools.count()


def _arrive(phase: Phase) -> None:
    """Wait until every client has finished ``phase``; the last to arrive ends it."""
    phase.arrived += 1
    if phase.arrived == CLIENTS:
        phase.ended = time.perf_counter()
        phase.rss_kb = peak_memory(PLAN["gunicorn"])
        phase.released = time.perf_counter()
        phase.done.set()
    else:
        phase.done.wait()


class BenchClient(FastHttpUser):
    wait_time = constant(0)
    # The slowest reads (a year's figures) queue behind each other with 8 clients on 2 workers.
    network_timeout = 600.0
    connection_timeout = 60.0

    def on_start(self) -> None:
        self.number = next(numbers)
        self.finished = False

    @task
    def endpoints(self) -> None:
        if self.finished:
            gevent.sleep(3600)
            return
        _arrive(START)
        for index, phase in enumerate(PHASES):
            if not phase.started:
                previous = PHASES[index - 1] if index else START
                phase.started = previous.released
            while (number := phase.claim()) is not None:
                self._request(phase, number)
            _arrive(phase)
        self.finished = True
        if self.number == 0:
            _write()
            gevent.spawn(self.environment.runner.quit)  # type: ignore[union-attr]

    def _request(self, phase: Phase, number: int) -> None:
        spec = phase.spec
        headers = dict(PROXY)
        if "token" in spec:
            headers["Authorization"] = f"Bearer {spec['token']}"
        if "sessions" in spec:
            key = spec["sessions"][self.number % len(spec["sessions"])]
            headers["Cookie"] = f"{PLAN['session_cookie']}={key}"
        path = spec["path"]
        if "{created}" in path:
            created = COLLECTED.get(spec["uses"], [])
            if number >= len(created):  # its create failed, which is counted there already
                phase.samples.append((0.0, 0, None, 0))
                return
            path = path.replace("{created}", str(created[number]))
        # Each request carries exactly its own client's session, none the server set before.
        self.client.cookiejar.clear()
        status, queries, size = 0, None, 0
        started = time.perf_counter()
        with self.client.request(
            spec["method"],
            path,
            name=spec["name"],
            headers=headers,
            json=spec.get("body"),
            allow_redirects=False,
            catch_response=True,
        ) as response:
            elapsed = (time.perf_counter() - started) * 1000
            status = response.status_code or 0
            raw = response.headers.get("X-Queries") if response.headers else None
            queries = int(raw) if raw else None
            size = len(response.content or b"")
            if 200 <= status < 300:
                response.success()
                if spec.get("collect"):
                    COLLECTED.setdefault(spec["collect"], []).append(response.json()["id"])
            else:
                response.failure(f"{status}: {(response.text or '')[:200]}")
        phase.samples.append((elapsed, status, queries, size))


def _write() -> None:
    out = [
        {
            "name": phase.spec["name"],
            "warm_up": phase.spec.get("warm_up", False),
            "seconds": phase.ended - phase.started,
            "rss_kb": phase.rss_kb,
            "samples": phase.samples,
        }
        for phase in PHASES
    ]
    with open(os.environ["BENCH_OUT"], "w", encoding="utf-8") as file:  # noqa: PTH123
        json.dump(out, file)
