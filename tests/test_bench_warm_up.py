"""The load benchmark warms every worker up on every read before it measures, and reports only
what it measured: the first endpoint measured (the baseline) no longer times a cold worker's
first request."""

import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location(
    "bench_load", Path(__file__).resolve().parents[1] / "bench" / "load.py"
)
load = importlib.util.module_from_spec(spec)
spec.loader.exec_module(load)

WORLD = {
    "tokens": {"sagsbehandler": "t1", "klinisk": "t2"},
    "sessions": {
        name: ["s"] for name in ("sagsbehandler", "sagsbehandler_searching", "sekretariat")
    }
    | {"koordinator": ["s"], "borger": ["s"]},
    "year": 2026,
    "search": "Nielsen",
    "case": 1,
    "meeting": 2,
    "region": 3,
    "municipality": 4,
    "citizen": 5,
}


def test_every_read_is_warmed_up_by_every_client_twice_and_no_write():
    plan = load.endpoints(WORLD, 300)
    warm = load.warm_up(plan)
    # 14 reads (the baseline and 13 pages and endpoints), then 2 writes, in the plan.
    assert len(plan) == 16
    assert [w["path"] for w in warm] == [p["path"] for p in plan][:14]
    assert {w["method"] for w in warm} == {"GET"}
    assert {w["requests"] for w in warm} == {16}  # 2 each for 8 clients
    assert all(w["warm_up"] and w["name"].startswith("warm-up: ") for w in warm)
    assert warm[0]["path"] == "/bench/baseline"


def _phase(name, seconds, warm_up=False):
    return {
        "name": name,
        "warm_up": warm_up,
        "seconds": seconds,
        "rss_kb": [100 * 1024],
        "samples": [(1.0, 200, 0)] * 10,
    }


def test_the_warm_up_is_left_out_of_the_results():
    rows = load.summarise(
        [_phase("warm-up: baseline", 5.0, warm_up=True), _phase(load.BASELINE, 0.01)]
    )
    assert [r["name"] for r in rows] == [load.BASELINE]
    assert rows[0]["per_second"] == 1000.0  # 10 requests in 10 ms
