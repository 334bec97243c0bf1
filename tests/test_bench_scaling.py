"""The load benchmark's scaling table: per database, p95 of the newest run at each world size
from 1,000 cases, and the largest world's p95 as a multiple of the smallest's, marked where it
is over the target of 1.5, beside the size of the answers at the smallest and the largest (a
list answers a few cases at a thousand and a full page at a million). Expected values are
counted by hand from the runs below."""

import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location(
    "bench_load", Path(__file__).resolve().parents[1] / "bench" / "load.py"
)
load = importlib.util.module_from_spec(spec)
spec.loader.exec_module(load)


def _run(database, cases, finished, commit, answer_kb=None, **p95):
    return {
        "database": database,
        "finished_at": finished,
        "commit": commit,
        "world": {"cases": cases},
        "endpoints": [
            {
                "name": name,
                "p95_ms": value,
                "failures": 300 if value is None else 0,
                **({"answer_kb": answer_kb[name]} if answer_kb else {}),
            }
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
    assert "1,000: 1,014 cases at `bbb`, 1,000,000: 1,000,014 cases at `bbb`" in text
    assert "| endpoint | 1,000 | 1,000,000 | ratio | answer KB, 1,000 → 1,000,000 |" in text
    # 300 / 200 = 1.5 is within the target; 1500 / 1000 = 1.5 as well; nothing at 10.
    assert "| detail | 200.0 | 300.0 | 1.50 | – |" in text
    assert "| stats | 1000.0 | 1500.0 | 1.50 | – |" in text


def test_a_ratio_over_the_target_is_marked_and_a_failed_endpoint_has_none():
    runs = [
        _run("sqlite", 100_014, "2026-12-02T16:00", "c", detail=301.0, stats=None),
        _run("sqlite", 1_014, "2026-12-02T15:00", "c", detail=200.0, stats=900.0),
    ]
    text = load.scaling(runs)
    assert "| detail | 200.0 | 301.0 | 1.51 (over) | – |" in text  # 1.505, rounded up
    assert "| stats | 900.0 | – | – | – |" in text


def test_worlds_of_the_same_power_of_ten_are_one_size_and_the_newest_is_shown():
    """A million-case world holds the demo world's 14 cases and those earlier load runs created:
    1,000,314 is the million too, and an older run of it is not taken as a larger world."""
    runs = [
        _run("postgresql", 1_000_014, "2026-12-03T13:00", "new", detail=120.0, stats=None),
        _run("postgresql", 1_014, "2026-12-03T12:00", "new", detail=100.0, stats=None),
        _run("postgresql", 1_000_314, "2026-12-02T13:00", "old", detail=900.0, stats=None),
    ]
    text = load.scaling(runs)
    assert "1,000: 1,014 cases at `new`, 1,000,000: 1,000,014 cases at `new`" in text
    assert "| detail | 100.0 | 120.0 | 1.20 | – |" in text
    assert "900.0" not in text
    assert [load.nominal(n) for n in (14, 1_014, 100_014, 1_000_314)] == [
        10,
        1_000,
        100_000,
        1_000_000,
    ]


def test_an_experiment_is_never_the_run_a_size_is_compared_by():
    """A run served with a setting changed for the occasion (``BENCH_EXPERIMENT``) is kept and
    shown, but the scaling table compares the newest runs served as the product is."""
    experiment = _run("postgresql", 1_000_614, "2026-12-03T16:00", "ddd", detail=100.0)
    experiment["experiment"] = "parallel workers off on the database"
    runs = [
        experiment,
        _run("postgresql", 1_000_314, "2026-12-03T15:00", "ddd", detail=400.0),
        _run("postgresql", 1_614, "2026-12-03T14:00", "ddd", detail=200.0),
    ]
    text = load.scaling(runs)
    assert "1,000,000: 1,000,314 cases at `ddd`" in text
    assert "| detail | 200.0 | 400.0 | 2.00 (over) | – |" in text


def test_the_size_of_the_answers_stands_beside_the_ratio_where_the_runs_recorded_it():
    runs = [
        _run(
            "sqlite",
            1_000_014,
            "2026-12-05T16:00",
            "e",
            {"list": 301.7, "detail": 4.2},
            list=250.0,
            detail=100.0,
        ),
        _run(
            "sqlite",
            1_014,
            "2026-12-05T15:00",
            "e",
            {"list": 9.0, "detail": 4.24},
            list=80.0,
            detail=90.0,
        ),
    ]
    text = load.scaling(runs)
    # 250 / 80 = 3.125, rounded up; 100 / 90 = 1.111…
    assert "| list | 80.0 | 250.0 | 3.13 (over) | 9.0 → 301.7 |" in text
    assert "| detail | 90.0 | 100.0 | 1.12 | 4.2 → 4.2 |" in text


def test_a_run_records_the_mean_size_of_its_successful_answers():
    phases = [
        {"name": "baseline: /bench/baseline", "seconds": 1.0, "samples": [(1.0, 200, 0, 10)]},
        {
            "name": "list",
            "seconds": 2.0,
            # (ms, status, queries, bytes): the failed answer's 99 bytes are not counted.
            "samples": [(5.0, 200, 6, 2048), (7.0, 200, 6, 1024), (9.0, 500, None, 99)],
        },
        # Samples written before the size was recorded have three fields.
        {"name": "older", "seconds": 1.0, "samples": [(5.0, 200, 6)]},
    ]
    rows = {row["name"]: row for row in load.summarise(phases)}
    assert rows["list"]["answer_kb"] == 1.5  # (2048 + 1024) / 2 / 1024
    assert rows["baseline: /bench/baseline"]["answer_kb"] == 0.0
    assert rows["older"]["answer_kb"] is None
    assert "| answer KB |" in load.table({"endpoints": list(rows.values())})
