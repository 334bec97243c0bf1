"""Load benchmark: the production server under concurrent load, every endpoint beside the
framework's own cost in the same run.

In a temporary DATA_DIR (SQLite there, or a fresh database ``bench_…`` on the PostgreSQL server
of ``BENCH_DATABASE_URL``, dropped afterwards) it builds the world (``manage.py generate_world
--cases $BENCH_CASES``: the demo world and a national one), starts ``make serve``
with ``WORKERS=2`` and ``BENCH_BASELINE=1`` on a free port, and drives it from a separate process
with locust (headless, 8 clients, keep-alive): ``BENCH_REQUESTS`` requests per endpoint, the
endpoints one after another (bench/locustfile.py), the reads in ``BENCH_ROUNDS`` rounds (3;
``in_rounds``) and the writes after them. For each endpoint it reports throughput, the
50th/95th/99th percentile, failures (every answer but 2xx), SQL queries per request (the
server's ``X-Queries``), the mean size of its answers, the workers' peak memory (VmHWM) after
it, and its throughput as a share of ``/bench/baseline``'s. Between the reads and the writes
wrk reads some of them again (``crosscheck``), a second measurement by a second load generator.
The result is written to
``bench/results/<date>-<database>-<cases>.json`` (a later run of the same day, database and
size as ``…-2.json``, ``…-3.json``) and the tables in docs/performance.md are made
again from every result file.

    make bench
    BENCH_REQUESTS=500 BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test make bench
    BENCH_KEEP=var/bench-1m BENCH_CASES=1000000 BENCH_REQUESTS=0 make bench   # only build, keep
    BENCH_KEEP=var/bench-1m make bench        # measure the kept world (again)
    python bench/load.py --docs      # only make docs/performance.md again from the results
"""

from __future__ import annotations

import base64
import contextlib
import json
import math
import os
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "performance.md"
BEGIN = "<!-- results: made by bench/load.py from bench/results/; edits here are overwritten -->"
END = "<!-- end of results -->"
PYTHON = sys.executable
BIN = Path(sys.executable).parent
CLIENTS = 8
WORKERS = 2
BASELINE = "baseline: /bench/baseline"
#: The server runs behind a TLS proxy in production; the benchmark speaks plain HTTP to it.
PROXY = {"X-Forwarded-Proto": "https"}
#: In a kept DATA_DIR (``BENCH_KEEP``): the world's database, keys and build figures.
KEPT = "bench-world.json"


def main() -> None:
    if sys.argv[1:] == ["--docs"]:
        write_docs()
        return
    requests = int(os.environ.get("BENCH_REQUESTS", "2000"))
    cases = int(os.environ.get("BENCH_CASES", "1000"))
    keep = os.environ.get("BENCH_KEEP", "")
    data_dir = Path(keep).resolve() if keep else Path(tempfile.mkdtemp(prefix="bench-load-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    kept = data_dir / KEPT
    try:
        with database(data_dir, keep=bool(keep)) as (vendor, database_url):
            env = environment(data_dir, database_url)
            run(["bash", "scripts/clamd.sh", "start"], env)
            try:
                built = build(env, cases)
                if keep:
                    kept.write_text(json.dumps({"vendor": vendor, "env": env, "built": built}))
                if not requests:
                    print(f"world kept in {data_dir}; not measured (BENCH_REQUESTS=0)")
                    return
                result = measure(env, requests)
            finally:
                run(["bash", "scripts/clamd.sh", "stop"], env, check=False)
    finally:
        if not keep:
            shutil.rmtree(data_dir, ignore_errors=True)
    result["database"] = vendor
    result["world"]["built"] = built
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = result_path(RESULTS, f"{result['date']}-{vendor}-{result['world']['cases']}")
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(result))
    print(f"\nwritten to {path.relative_to(ROOT)}")
    write_docs()


def result_path(folder: Path, name: str) -> Path:
    """``<name>.json`` in ``folder``, or for a second run of the same day, database and size
    ``<name>-2.json`` (``-3`` …): a run never writes over an earlier one."""
    path, number = folder / f"{name}.json", 1
    while path.exists():
        number += 1
        path = folder / f"{name}-{number}.json"
    return path


@contextlib.contextmanager
def database(data_dir: Path, *, keep: bool = False) -> Iterator[tuple[str, str]]:
    """SQLite in DATA_DIR (the default), or a database of its own on BENCH_DATABASE_URL's server,
    dropped afterwards unless ``keep``. A world kept in DATA_DIR (``BENCH_KEEP``) is used again
    as it is."""
    if (data_dir / KEPT).exists():
        kept = json.loads((data_dir / KEPT).read_text())
        yield kept["vendor"], kept["env"].get("DATABASE_URL", "")
        return
    server = os.environ.get("BENCH_DATABASE_URL", "")
    if not server:
        yield "sqlite", ""
        return
    import psycopg

    url = urllib.parse.urlsplit(server)
    name = f"bench_{time.strftime('%Y%m%d_%H%M%S')}_{secrets.token_hex(3)}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield "postgresql", urllib.parse.urlunsplit(url._replace(path=f"/{name}"))
    finally:
        if not keep:
            with psycopg.connect(server, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(data_dir: Path, database_url: str) -> dict[str, str]:
    """The same keys for building and serving (a session made beforehand is the server's), mail
    made but kept in memory, and nothing of the caller's database settings; a kept world's own."""
    if (data_dir / KEPT).exists():
        return {**os.environ, **json.loads((data_dir / KEPT).read_text())["env"]}
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_ENV", "DEBUG", "OTP_REQUIRED"}
    }
    env.update(
        DATA_DIR=str(data_dir),
        SECRET_KEY=secrets.token_urlsafe(50),
        CPR_ENCRYPTION_KEYS=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        CPR_HASH_KEY=secrets.token_urlsafe(48),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run(
    command: list[str], env: dict[str, str], *, check: bool = True, capture: bool = False
) -> str:
    done = subprocess.run(  # noqa: S603 - our own commands
        command, cwd=ROOT, env=env, check=False, text=True, capture_output=capture
    )
    if check and done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{(done.stderr or '')[-4000:]}")
    return done.stdout if capture else ""


def build(env: dict[str, str], cases: int) -> dict[str, Any]:
    """The world of ``cases`` cases (``BENCH_GENERATE_WORKERS`` processes, default 1), with its
    wall clock and the generator's CPU time; a kept world's figures when there is one."""
    kept = Path(env["DATA_DIR"]) / KEPT
    if kept.exists():
        return dict(json.loads(kept.read_text())["built"])
    demo = {
        **env,
        "DJANGO_ENV": "demo",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    workers = os.environ.get("BENCH_GENERATE_WORKERS", "1")
    started, cpu = time.perf_counter(), _children_cpu()
    run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], demo)
    run(
        [PYTHON, "manage.py", "generate_world", "--cases", str(cases), "--workers", workers],
        demo,
    )
    built = {
        "seconds": round(time.perf_counter() - started),
        "cpu_seconds": round(_children_cpu() - cpu),
        "workers": int(workers),
        "load_average": round(os.getloadavg()[0], 1),
    }
    print(f"world built in {built['seconds']} s ({built['cpu_seconds']} s of CPU)", flush=True)
    return built


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serving(env: dict[str, str], **extra: str) -> Iterator[dict[str, Any]]:
    """`make serve` exactly, on a free port with ``WORKERS`` processes, with ``env`` and
    ``extra``; yields its address, the environment it runs with and its gunicorn master, once
    it answers ready, and stops it afterwards."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    served = {
        **env,
        "SITE_URL": url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WORKERS": str(WORKERS),
        **extra,
    }
    work = Path(env["DATA_DIR"])
    log = (work / "serve.log").open("w")
    # `make serve` exactly, with this interpreter's environment; its own process group, so that
    # one signal ends make, gunicorn and the task worker it started, and nothing else.
    server = subprocess.Popen(  # noqa: S603
        [
            shutil.which("make") or "make",
            "--no-print-directory",
            "-o",
            "install",
            f"VENV={BIN.parent}",
            "serve",
        ],
        cwd=ROOT,
        env=served,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        try:
            wait_until_ready(url, server)
        except SystemExit:
            log.flush()
            print((work / "serve.log").read_text()[-4000:], file=sys.stderr)
            raise
        yield {"url": url, "env": served, "gunicorn": gunicorn_master(server.pid)}
    finally:
        stop(server)
        log.close()


def measure(env: dict[str, str], requests: int) -> dict[str, Any]:
    work = Path(env["DATA_DIR"])
    with serving(env, BENCH_BASELINE="1") as server:
        url, served, master = server["url"], server["env"], server["gunicorn"]
        world = json.loads(
            run([PYTHON, "bench/world.py"], {**served, "DJANGO_ENV": "production"}, capture=True)
        )
        measured = endpoints(world, requests)
        scheduled = warm_up(measured) + in_rounds(measured, ROUNDS)
        print(f"{world['cases']} cases; {requests} requests per endpoint", flush=True)
        # The reads, then wrk's cross-check of some of them, then the writes: wrk reads the
        # world as locust's reads did, before the created cases head the caseworker's list.
        drive = {"url": url, "work": work, "world": world, "master": master}
        (work / "locust.log").write_text("")
        phases, seconds = locust(**drive, plan=[s for s in scheduled if s["method"] == "GET"])
        checked = crosscheck(url, measured, world["session_cookie"], summarise(phases))
        writes = [s for s in scheduled if s["method"] != "GET"]
        if writes:
            written, more = locust(**drive, plan=writes)
            phases, seconds = phases + written, seconds + more
        peak = peak_memory(master)
    return {
        # The benchmark's own wall clock, not the application's (core.clock).
        "date": time.strftime("%Y-%m-%d"),
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": run(["git", "rev-parse", "--short", "HEAD"], env, capture=True).strip(),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "server": {
            "workers": WORKERS,
            "clients": CLIENTS,
            "make": "serve",
            "settings": world["server_settings"],
        },
        "world": {"cases": world["cases"], "year": world["year"]},
        "requests_per_endpoint": requests,
        "rounds": ROUNDS,
        # What was changed for this run, in words (BENCH_EXPERIMENT), beyond what
        # ``server_settings`` reads; empty for a run served as the product is.
        "experiment": os.environ.get("BENCH_EXPERIMENT", ""),
        # locust's own time, the cross-check's left out (runs before 9fa8bdf counted both, and
        # the server's stop).
        "run_seconds": round(seconds, 1),
        "peak_rss_mb_per_worker": [round(kb / 1024, 1) for kb in peak],
        "endpoints": summarise(phases),
        **({"crosscheck": checked} if checked else {}),
    }


def locust_command(
    locustfile: str, url: str, *, users: int, spawn_rate: int, options: tuple[str, ...] = ()
) -> list[str]:
    """Headless locust with ``locustfile`` against ``url``, its summary only and its warnings;
    ``options`` go before the host."""
    return [
        str(BIN / "locust"),
        *("-f", locustfile, "--headless"),
        *("--users", str(users), "--spawn-rate", str(spawn_rate)),
        *options,
        *("--host", url, "--only-summary", "--loglevel", "WARNING"),
    ]


def locust(
    *, url: str, work: Path, world: dict[str, Any], master: int, plan: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], float]:
    """One headless locust run of ``plan`` (bench/locustfile.py): its phases, and its seconds."""
    plan_file, out = work / "plan.json", work / "samples.json"
    out.unlink(missing_ok=True)
    plan_file.write_text(
        json.dumps(
            {
                "clients": CLIENTS,
                "session_cookie": world["session_cookie"],
                "gunicorn": master,
                "endpoints": plan,
            }
        )
    )
    started = time.perf_counter()
    with (work / "locust.log").open("a") as locust_log:
        subprocess.run(  # noqa: S603
            locust_command("bench/locustfile.py", url, users=CLIENTS, spawn_rate=CLIENTS),
            cwd=ROOT,
            env={**os.environ, "BENCH_PLAN": str(plan_file), "BENCH_OUT": str(out)},
            stdout=locust_log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    seconds = time.perf_counter() - started
    if not out.exists():
        raise SystemExit("locust wrote no samples:\n" + (work / "locust.log").read_text()[-3000:])
    return json.loads(out.read_text()), seconds


#: Requests per client to each read before the measured run.
WARM_UP = 2

#: The reads are measured in this many rounds (``in_rounds``).
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
if ROUNDS < 1:
    raise SystemExit("BENCH_ROUNDS must be 1 or more.")


def in_rounds(plan: list[dict[str, Any]], rounds: int) -> list[dict[str, Any]]:
    """The reads of ``plan`` (the baseline among them) ``rounds`` times in turn, each time with
    its share of the requests, then the writes once. The machine the benchmark shares is not
    equally fast all the time (baselines of 844 and 1,525 a second on one afternoon): in turns
    a slow minute costs every read a part of its requests rather than one read all of them.
    The writes come last and once, so that every read sees the world as built (the cases they
    create would join the caseworker's list)."""
    reads = [spec for spec in plan if spec["method"] == "GET"]
    out = []
    for number in range(rounds):
        for spec in reads:
            share = spec["requests"] // rounds + (number < spec["requests"] % rounds)
            if share:
                out.append({**spec, "requests": share, "round": number + 1})
    return out + [spec for spec in plan if spec["method"] != "GET"]


def warm_up(plan: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every read of ``plan`` first, ``WARM_UP`` requests per client, left out of the results:
    each worker then has loaded the code of every page and endpoint and opened its database
    connection before anything is measured. Without it the first endpoint measured (the
    baseline, 300 requests of about a millisecond) also timed a cold worker's first request
    (the URLs, the API's schemas, the templates: about a second), which made the baseline
    seem four times slower than it is and every share of it as much larger."""
    return [
        {**spec, "name": f"warm-up: {spec['name']}", "requests": WARM_UP * CLIENTS, "warm_up": True}
        for spec in plan
        if spec["method"] == "GET"
    ]


def endpoints(world: dict[str, Any], requests: int) -> list[dict[str, Any]]:
    """The endpoints in the order they run: the baseline, the reads, then the writes (so the reads
    see the world as built)."""
    caseworker = {"token": world["tokens"]["sagsbehandler"]}
    clinical = {"token": world["tokens"]["klinisk"]}
    sessions = world["sessions"]
    year, q = world["year"], world["search"]
    period = f"from={year}-01-01&to={year}-12-31"
    offer = {
        "kind": "company_internship",
        "provider": "Fynsk Genbrug ApS, Odense",
        "hours_per_week": "12",
        "content": "Virksomhedspraktik på lager med sortering og registrering af varer.",
        "demands": "Fremmøde tre dage om ugen kl. 9–13, let løft op til 10 kg.",
    }
    concern = {
        "text": "Jeg har kroniske smerter i lænden og kan ikke stå eller løfte i længere tid.",
        "areas": ["fysisk belastning"],
        "channel": "meeting",
    }
    listed = [
        (BASELINE, "/bench/baseline", {}),
        ("API case list, 100 a page", "/api/v1/cases?page_size=100", caseworker),
        ("API case list, 100, status sent", "/api/v1/cases?page_size=100&status=sent", caseworker),
        ("API case list, 100, searched", f"/api/v1/cases?page_size=100&q={q}", caseworker),
        ("page: case list", "/sager/", {"sessions": sessions["sagsbehandler"]}),
        (
            "page: case list, status sent",
            "/sager/?status=sent",
            {"sessions": sessions["sagsbehandler"]},
        ),
        ("page: case list, searched", "/sager/", {"sessions": sessions["sagsbehandler_searching"]}),
        ("API case detail", f"/api/v1/cases/{world['case']}", caseworker),
        ("page: case", f"/sager/{world['case']}/", {"sessions": sessions["sagsbehandler"]}),
        (
            "page: meeting agenda",
            f"/moeder/{world['meeting']}/",
            {"sessions": sessions["sekretariat"]},
        ),
        ("page: coordinator's start", "/", {"sessions": sessions["koordinator"]}),
        ("page: citizen's start", "/", {"sessions": sessions["borger"]}),
        (
            "API statistics, a year, a region",
            f"/api/v1/statistics?{period}&region={world['region']}",
            clinical,
        ),
        (
            "API settlement CSV, a year",
            f"/api/v1/settlements.csv?{period}&municipality={world['municipality']}",
            clinical,
        ),
    ]
    plan = [
        {"name": name, "method": "GET", "path": path, "requests": requests, **auth}
        for name, path, auth in listed
    ]
    plan += [
        {
            "name": "API create case",
            "method": "POST",
            "path": "/api/v1/cases",
            "body": {"citizen": world["citizen"], "offer": offer, "health_concern": concern},
            "collect": "created",
            "requests": requests,
            **caseworker,
        },
        {
            "name": "API submit (request) a created case",
            "method": "POST",
            "path": "/api/v1/cases/{created}/submit",
            "body": {"channel": "meeting"},
            "uses": "created",
            "requests": requests,
            **caseworker,
        },
    ]
    return plan


def wait_until_ready(url: str, server: subprocess.Popen[bytes]) -> None:
    # collectstatic compresses every static file first, which takes minutes on a busy machine.
    deadline = time.monotonic() + 1200
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("make serve ended before it answered")
        try:
            with urllib.request.urlopen(f"{url}/health/ready", timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise SystemExit("make serve did not answer within 20 minutes")


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""


def gunicorn_master(pid: int) -> int:
    """The gunicorn master among the descendants of `make serve` (its workers are its
    children)."""
    pending = [pid]
    while pending:
        current = pending.pop()
        # The program itself (gunicorn, or python running it), not the shell of the serve
        # recipe, whose command line names gunicorn too.
        # With setproctitle installed the master names itself "gunicorn: master [...]".
        args = _command(current).split()
        if any(arg.endswith("/gunicorn") for arg in args[:2]) or args[:2] == [
            "gunicorn:",
            "master",
        ]:
            return current
        pending.extend(_children(current))
    raise SystemExit("no gunicorn process under make serve")


def peak_memory(master: int) -> list[int]:
    """Each worker's peak resident memory in kB (VmHWM)."""
    peaks = []
    for worker in _children(master):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{worker}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]))
    return sorted(peaks)


def stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group: gunicorn finishes its requests and stops, and the
    serve target's trap stops the task worker."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def _percentile(ordered: list[float], share: float) -> float:
    """Nearest rank."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


def _rate(requests: int, seconds: float) -> float:
    return round(requests / seconds, 1) if seconds else 0.0


def summarise(phases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per endpoint, in the order they first ran; an endpoint measured in several rounds
    (``in_rounds``) is pooled: its requests over the seconds of all its rounds, its percentiles
    over all its samples, beside each round's own throughput."""
    measured: dict[str, list[dict[str, Any]]] = {}
    for phase in phases:
        if not phase.get("warm_up"):
            measured.setdefault(phase["name"], []).append(phase)
    rows = []
    for name, rounds in measured.items():
        samples = [sample for phase in rounds for sample in phase["samples"]]
        times = sorted(s[0] for s in samples)
        queries = [s[2] for s in samples if s[2] is not None]
        # The size of each successful answer, in samples that recorded it (a fourth field).
        sizes = [s[3] for s in samples if len(s) > 3 and 200 <= s[1] < 300]
        seconds = sum(phase["seconds"] for phase in rounds)
        rss = [kb for phase in rounds for kb in phase.get("rss_kb") or []]
        rows.append(
            {
                "name": name,
                "requests": len(samples),
                "failures": sum(1 for s in samples if not 200 <= s[1] < 300),
                "statuses": sorted({s[1] for s in samples}),
                "per_second": _rate(len(samples), seconds),
                "per_second_by_round": [
                    _rate(len(phase["samples"]), phase["seconds"]) for phase in rounds
                ],
                "p50_ms": round(_percentile(times, 0.50), 1),
                "p95_ms": round(_percentile(times, 0.95), 1),
                "p99_ms": round(_percentile(times, 0.99), 1),
                "queries_mean": round(statistics.fmean(queries), 1) if queries else None,
                "queries_max": max(queries) if queries else None,
                "peak_rss_mb": round(max(rss) / 1024, 1) if rss else None,
                "answer_kb": round(statistics.fmean(sizes) / 1024, 1) if sizes else None,
            }
        )
    baseline = next((r["per_second"] for r in rows if r["name"] == BASELINE), 0)
    for row in rows:
        row["of_baseline"] = round(row["per_second"] / baseline, 3) if baseline else None
    return rows


def _kb(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "–"


def table(result: dict[str, Any]) -> str:
    lines = [
        "| endpoint | requests | failures | req/s (rounds) | of baseline | p50 ms | p95 ms "
        "| p99 ms | queries mean / max | peak RSS MB | answer KB |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in result["endpoints"]:
        share = f"{r['of_baseline']:.1%}" if r["of_baseline"] is not None else "–"
        queries = (
            f"{r['queries_mean']} / {r['queries_max']}" if r["queries_max"] is not None else "–"
        )
        # A read measured in rounds shows the slowest and fastest round's throughput beside it.
        rounds = r.get("per_second_by_round") or []
        rate = f"{r['per_second']}" + (f" ({min(rounds)}–{max(rounds)})" if len(rounds) > 1 else "")
        lines.append(
            f"| {r['name']} | {r['requests']} | {r['failures']} | {rate} | {share} "
            f"| {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {queries} "
            f"| {r['peak_rss_mb'] if r['peak_rss_mb'] is not None else '–'} "
            f"| {_kb(r.get('answer_kb'))} |"
        )
    return "\n".join(lines)


#: The second, independent measurement: wrk (in C, with its own event loop) reads the same
#: server between locust's reads and its writes, each of these for ``BENCH_WRK_SECONDS`` (10; 0
#: leaves it out), with as many connections as locust has clients. It checks locust's figures,
#: and shows how much of the machine locust's own Python takes from the server.
CROSSCHECK = (
    BASELINE,
    "API case list, 100 a page",
    "API case detail",
    "page: case list",
    "page: case",
)
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "10"))
WRK_THREADS = 2
WRK_SCRIPT = ROOT / "bench" / "wrk.lua"


def wrk_command(wrk: str, url: str, spec: dict[str, Any], cookie: str, seconds: int) -> list[str]:
    """wrk's command line for one read of the plan: its token, or the first of its sessions
    (every connection the same one, where each locust client has its own), and the proxy's
    header."""
    headers = dict(PROXY)
    if "token" in spec:
        headers["Authorization"] = f"Bearer {spec['token']}"
    if "sessions" in spec:
        headers["Cookie"] = f"{cookie}={spec['sessions'][0]}"
    command = [wrk, "--threads", str(WRK_THREADS), "--connections", str(CLIENTS)]
    command += ["--duration", f"{seconds}s", "--timeout", "60s", "--script", str(WRK_SCRIPT)]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    return [*command, url + spec["path"]]


def wrk_figures(output: str) -> dict[str, Any]:
    """The figures of one wrk run, from the line bench/wrk.lua prints."""
    line = next((ln for ln in output.splitlines() if ln.startswith('{"wrk":')), None)
    if line is None:
        raise SystemExit("wrk printed no figures (bench/wrk.lua):\n" + output[-2000:])
    raw = json.loads(line)
    return {
        "requests": raw["requests"],
        "failures": raw["failures"] + raw["socket_errors"],
        "per_second": _rate(raw["requests"], raw["seconds"]),
        "p50_ms": round(raw["p50_ms"], 1),
        "p95_ms": round(raw["p95_ms"], 1),
        "p99_ms": round(raw["p99_ms"], 1),
        # With the answer's headers: wrk counts the bytes it read.
        "kb_per_answer": round(raw["bytes"] / raw["requests"] / 1024, 1)
        if raw["requests"]
        else None,
    }


def crosscheck_rows(
    rows: list[dict[str, Any]], locust: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each wrk row with its share of wrk's own baseline and its throughput over locust's."""
    baseline = next((r["per_second"] for r in rows if r["name"] == BASELINE), 0)
    by_locust = {r["name"]: r["per_second"] for r in locust}
    for row in rows:
        row["of_baseline"] = round(row["per_second"] / baseline, 3) if baseline else None
        other = by_locust.get(row["name"])
        row["of_locust"] = round(row["per_second"] / other, 2) if other else None
    return rows


def crosscheck(
    url: str, plan: list[dict[str, Any]], cookie: str, locust: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """wrk's figures for the ``CROSSCHECK`` reads; a wrk that fails is recorded, and the run's
    own figures are kept."""
    wrk = shutil.which("wrk")
    if WRK_SECONDS <= 0 or wrk is None:
        print("no cross-check with wrk: " + ("BENCH_WRK_SECONDS=0" if wrk else "wrk is missing"))
        return None
    version = subprocess.run(  # noqa: S603
        [wrk, "--version"], capture_output=True, text=True, check=False
    ).stdout.split()
    check: dict[str, Any] = {
        "driver": " ".join(version[:2]) if len(version) > 1 else "wrk",
        # Measured between locust's reads and its writes (runs before that made it after both).
        "before_writes": True,
        "threads": WRK_THREADS,
        "connections": CLIENTS,
        "seconds": WRK_SECONDS,
    }
    rows = []
    for name in CROSSCHECK:
        spec = next(s for s in plan if s["name"] == name)
        try:
            done = subprocess.run(  # noqa: S603
                wrk_command(wrk, url, spec, cookie, WRK_SECONDS),
                capture_output=True,
                text=True,
                timeout=WRK_SECONDS + 120,
                check=False,
            )
            rows.append({"name": name, **wrk_figures(done.stdout + done.stderr)})
        except (subprocess.TimeoutExpired, SystemExit, OSError, ValueError, KeyError) as failed:
            check["error"] = f"{name}: {failed}"[:500]
            print(f"wrk failed, the cross-check stops: {check['error']}", flush=True)
            break
        print(f"wrk: {name}: {rows[-1]['per_second']}/s", flush=True)
        if rows[-1]["failures"]:
            print(f"wrk: {name}: {rows[-1]['failures']} failures", flush=True)
    return {**check, "endpoints": crosscheck_rows(rows, locust)}


def crosscheck_table(result: dict[str, Any]) -> str:
    """wrk's figures of a run beside locust's for the same endpoints."""
    check = result["crosscheck"]
    by_locust = {r["name"]: r["per_second"] for r in result["endpoints"]}
    lines = [
        f"Cross-check with {check['driver']} ({check['threads']} threads, "
        f"{check['connections']} connections, {check['seconds']} s an endpoint) on the same "
        "server, "
        + (
            "between locust's reads and its writes:"
            if check.get("before_writes")
            else "after locust's writes (so the lists it read held the cases they had created):"
        ),
        "",
        "| endpoint | wrk req/s | locust req/s | wrk ÷ locust | of wrk's baseline "
        "| wrk p50 / p95 / p99 ms | failures | wrk KB an answer, with headers |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in check["endpoints"]:
        share = f"{r['of_baseline']:.1%}" if r["of_baseline"] is not None else "–"
        ratio = f"{r['of_locust']:.2f}" if r["of_locust"] is not None else "–"
        lines.append(
            f"| {r['name']} | {r['per_second']} | {by_locust.get(r['name'], '–')} | {ratio} "
            f"| {share} | {r['p50_ms']} / {r['p95_ms']} / {r['p99_ms']} | {r['failures']} "
            f"| {_kb(r.get('kb_per_answer'))} |"
        )
    if check.get("error"):
        lines += ["", f"wrk failed, and the cross-check stopped there: {check['error']}"]
    return "\n".join(lines)


#: The smallest world the scaling table compares with (the demo world alone is smaller).
SCALING_FROM = 1000
#: The target: p95 at the largest world at most this many times p95 at the smallest.
SCALING_LIMIT = 1.5


def nominal(cases: int) -> int:
    """The world's size as the power of ten at or below its number of cases."""
    return 10 ** (len(str(cases)) - 1) if cases > 0 else 0


def scaling(results: list[dict[str, Any]]) -> str:
    """Per database, p95 of every endpoint in the newest run at each world size from
    ``SCALING_FROM`` cases, and the largest world's p95 as a multiple of the smallest's (the
    target: at most ``SCALING_LIMIT``), beside the mean size of its answers at the smallest and
    the largest world (a list answers a few cases at a thousand and a full page at a million, so
    its ratio is partly the cost of more cases in one answer). A world's size is its power of
    ten (``nominal``): the demo world's cases and those an earlier load run created make a world
    of a million hold 1,000,014 or 1,000,314 cases, and both are the million. A run served with
    a setting changed for the occasion (``BENCH_EXPERIMENT``) is never the one compared."""
    out = []
    for database in sorted({r["database"] for r in results}):
        newest: dict[int, dict[str, Any]] = {}
        for r in results:  # newest first
            size = nominal(r["world"]["cases"])
            if (
                r["database"] == database
                and size >= SCALING_FROM
                and size not in newest
                and not r.get("experiment")
            ):
                newest[size] = r
        if len(newest) < 2:
            continue
        sizes = sorted(newest)
        p95 = {
            size: {e["name"]: e["p95_ms"] for e in newest[size]["endpoints"] if not e["failures"]}
            for size in sizes
        }
        answer = {
            size: {e["name"]: e.get("answer_kb") for e in newest[size]["endpoints"]}
            for size in sizes
        }
        commits = ", ".join(
            f"{size:,}: {newest[size]['world']['cases']:,} cases at `{newest[size]['commit']}`"
            for size in sizes
        )
        lines = [
            f"### Scaling, {database}: p95 in ms by cases in the world\n",
            f"The newest run at each size ({commits}); the last column is p95 at "
            f"{sizes[-1]:,} as a multiple of p95 at {sizes[0]:,} (target: at most "
            f"{SCALING_LIMIT}).\n",
            "| endpoint | "
            + " | ".join(f"{size:,}" for size in sizes)
            + f" | ratio | answer KB, {sizes[0]:,} → {sizes[-1]:,} |",
            "|---|" + "--:|" * (len(sizes) + 2),
        ]
        for e in newest[sizes[-1]]["endpoints"]:
            name = e["name"]
            cells = [p95[size].get(name) for size in sizes]
            first, last = cells[0], cells[-1]
            ratio = "–"
            if first and last:
                # Rounded up, so that a miss never shows as the target itself.
                ratio = f"{math.ceil(last / first * 100) / 100:.2f}"
                if last / first > SCALING_LIMIT:
                    ratio += " (over)"
            shown = " | ".join(f"{c}" if c is not None else "–" for c in cells)
            small, large = answer[sizes[0]].get(name), answer[sizes[-1]].get(name)
            sized = (
                f"{_kb(small)} → {_kb(large)}" if small is not None and large is not None else "–"
            )
            lines.append(f"| {name} | {shown} | {ratio} | {sized} |")
        out.append("\n".join(lines) + "\n\n")
    return "".join(out)


def write_docs() -> None:
    """The tables of every result file, newest first, between the markers of
    docs/performance.md; the text around them stays."""
    results = [json.loads(p.read_text(encoding="utf-8")) for p in RESULTS.glob("*.json")]
    results.sort(key=lambda r: (r["finished_at"], r["database"]), reverse=True)
    sections = [section(r) for r in results]
    block = f"{BEGIN}\n\n" + scaling(results) + "\n".join(sections) + f"\n{END}"
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    DOC.write_text(head + block + tail, encoding="utf-8")


def section(r: dict[str, Any]) -> str:
    """A run's heading, how it was served (with the settings its figures depend on, for runs
    that recorded them: ``bench/world.py``'s ``server_settings``) and its table."""
    rss = " and ".join(f"{mb} MB" for mb in r["peak_rss_mb_per_worker"] or []) or "not read"
    recorded = r["server"].get("settings") or {}
    settings = (
        " Served with " + ", ".join(f"`{k}={v}`" for k, v in sorted(recorded.items())) + "."
        if recorded
        else ""
    )
    return (
        f"### {r['date']}, {r['database']}, {r['world']['cases']} cases\n\n"
        f"{r['server']['workers']} gunicorn workers (`make serve`), {r['server']['clients']} "
        f"locust clients, {r['requests_per_endpoint']} requests per endpoint"
        + (f" (the reads in {r['rounds']} rounds)" if r.get("rounds", 1) > 1 else "")
        + ", "
        f"{r['machine']['cpus']} CPUs shared with the load generator; commit "
        f"`{r['commit']}`. Peak memory per worker at the end: {rss}.{settings}"
        + (f" Experiment: {r['experiment']}." if r.get("experiment") else "")
        + "\n\n"
        f"{table(r)}\n" + (f"\n{crosscheck_table(r)}\n" if r.get("crosscheck") else "")
    )


if __name__ == "__main__":
    main()
