"""The load benchmark's scaling table: per database, p95 of the newest run at each world size
from 1,000 cases, and the largest world's p95 as a multiple of the smallest's, marked where it
is over the target of 1.5. Expected values are counted by hand from the runs below."""

import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location(
    "bench_load", Path(__file__).resolve().parents[1] / "bench" / "load.py"
)
load = importlib.util.module_from_spec(spec)
spec.loader.exec_module(load)


def _run(database, cases, finished, commit, **p95):
    return {
        "database": database,
        "finished_at": finished,
        "commit": commit,
        "world": {"cases": cases},
        "endpoints": [
            {"name": name, "p95_ms": value, "failures": 300 if value is None else 0}
            for name, value in p95.items()
        ],
    }


RUNS = [  # newest first, as write_docs sorts them
    _run("postgresql", 1_000_014, "2026-12-02T16:00", "bbb", detail=300.0, stats=1500.0),
    _run("postgresql", 1_014, "2026-12-02T15:00", "bbb", detail=200.0, stats=1000.0),
    # An older run at the same size is left out, and so is the demo world of 14 cases.
    _run("postgresql", 1_014, "2026-12-01T15:00", "aaa", detail=10.0, stats=10.0),
    _run("postgresql", 14, "2026-12-02T14:00", "bbb", detail=1.0, stats=1.0),
    # A single size on SQLite: nothing to compare.
    _run("sqlite", 1_014, "2026-12-02T13:00", "bbb", detail=100.0, stats=None),
]


def test_the_ratio_of_the_largest_to_the_smallest_world_and_the_ones_over_the_target():
    text = load.scaling(RUNS)
    assert "### Scaling, postgresql" in text and "sqlite" not in text
    assert "1,014: `bbb`, 1,000,014: `bbb`" in text
    # 300 / 200 = 1.5 is within the target; 1500 / 1000 = 1.5 as well; nothing at 10.
    assert "| detail | 200.0 | 300.0 | 1.50 |" in text
    assert "| stats | 1000.0 | 1500.0 | 1.50 |" in text


def test_a_ratio_over_the_target_is_marked_and_a_failed_endpoint_has_none():
    runs = [
        _run("sqlite", 100_014, "2026-12-02T16:00", "c", detail=301.0, stats=None),
        _run("sqlite", 1_014, "2026-12-02T15:00", "c", detail=200.0, stats=900.0),
    ]
    text = load.scaling(runs)
    assert "| detail | 200.0 | 301.0 | 1.51 (over) |" in text  # 1.505, rounded up
    assert "| stats | 900.0 | – | – |" in text
