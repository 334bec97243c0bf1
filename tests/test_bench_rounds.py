"""The load benchmark measures the reads in rounds: every read, the baseline among them, runs
once in each round with its share of the requests, and the writes run once after the last
round. A slow minute of a shared machine then falls on a part of every endpoint instead of on
the whole of one, and each read's throughput is pooled over its rounds. Expected values are
counted by hand."""

import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location(
    "bench_load", Path(__file__).resolve().parents[1] / "bench" / "load.py"
)
load = importlib.util.module_from_spec(spec)
spec.loader.exec_module(load)


def _spec(name, requests, method="GET"):
    return {"name": name, "method": method, "path": f"/{name}", "requests": requests}


PLAN = [
    _spec(load.BASELINE, 300),
    _spec("list", 10),
    _spec("detail", 2),
    _spec("create", 300, method="POST"),
]


def test_the_reads_run_in_turns_and_the_writes_once_after_them():
    rounds = load.in_rounds(PLAN, 3)
    assert [(r["name"], r["requests"], r.get("round")) for r in rounds] == [
        (load.BASELINE, 100, 1),
        ("list", 4, 1),  # 10 = 4 + 3 + 3
        ("detail", 1, 1),  # 2 = 1 + 1 + 0: a round with no share has no phase
        (load.BASELINE, 100, 2),
        ("list", 3, 2),
        ("detail", 1, 2),
        (load.BASELINE, 100, 3),
        ("list", 3, 3),
        ("create", 300, None),
    ]


def test_one_round_is_the_plan_as_it_was():
    assert load.in_rounds(PLAN, 1) == [
        {**spec, "round": 1} if spec["method"] == "GET" else spec for spec in PLAN
    ]


def _phase(name, seconds, times, rss_mb):
    return {
        "name": name,
        "seconds": seconds,
        "rss_kb": [rss_mb * 1024],
        "samples": [(ms, 200, 6, 1024) for ms in times],
    }


def test_a_read_is_pooled_over_its_rounds():
    rows = load.summarise(
        [
            _phase(load.BASELINE, 0.1, [1.0] * 100, 100),
            # The larger peak in the first round: the pooled peak is the largest, not the last.
            _phase("list", 2.0, [10.0, 20.0], 160),
            _phase(load.BASELINE, 0.4, [1.0] * 100, 101),
            _phase("list", 5.5, [30.0, 40.0, 50.0, 60.0], 150),
        ]
    )
    by_name = {row["name"]: row for row in rows}
    assert list(by_name) == [load.BASELINE, "list"]
    listed = by_name["list"]
    assert listed["requests"] == 6
    assert listed["per_second"] == 0.8  # 6 requests in 7.5 seconds
    assert listed["per_second_by_round"] == [1.0, 0.7]  # 2 in 2 s, 4 in 5.5 s (0.73)
    assert listed["p50_ms"] == 30.0  # the 3rd of 10, 20, 30, 40, 50, 60
    assert listed["p95_ms"] == 60.0
    assert listed["peak_rss_mb"] == 160.0
    assert by_name[load.BASELINE]["per_second"] == 400.0  # 200 in 0.5 s
    assert listed["of_baseline"] == 0.002  # 0.8 / 400
    # The table shows the slowest and the fastest round beside the pooled figure.
    assert "| list | 6 | 0 | 0.8 (0.7–1.0) | 0.2% |" in load.table({"endpoints": rows})
    assert f"| {load.BASELINE} | 200 | 0 | 400.0 (250.0–1000.0) |" in load.table(
        {"endpoints": rows}
    )


def test_the_locust_command_line() -> None:
    """The load benchmark's and the procedure's locust, written out by hand."""
    assert load.locust_command(
        "bench/procedure_locustfile.py",
        "http://127.0.0.1:8001",
        users=50,
        spawn_rate=10,
        options=("--run-time", "120s"),
    ) == [
        str(load.BIN / "locust"),
        "-f",
        "bench/procedure_locustfile.py",
        "--headless",
        "--users",
        "50",
        "--spawn-rate",
        "10",
        "--run-time",
        "120s",
        "--host",
        "http://127.0.0.1:8001",
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
