"""A load run never writes over an earlier run's results: a second run of the same day,
database and world size is kept beside the first."""

import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location(
    "bench_load", Path(__file__).resolve().parents[1] / "bench" / "load.py"
)
load = importlib.util.module_from_spec(spec)
spec.loader.exec_module(load)


def test_a_second_run_of_the_day_is_kept_beside_the_first(tmp_path):
    name = "2026-12-03-postgresql-1014"
    first = load.result_path(tmp_path, name)
    assert first == tmp_path / f"{name}.json"
    first.write_text("{}")
    second = load.result_path(tmp_path, name)
    assert second == tmp_path / f"{name}-2.json"
    second.write_text("{}")
    assert load.result_path(tmp_path, name) == tmp_path / f"{name}-3.json"
    # Another size or database of the same day starts at its own first name.
    assert load.result_path(tmp_path, "2026-12-03-sqlite-1014") == (
        tmp_path / "2026-12-03-sqlite-1014.json"
    )


def _result(**server_settings):
    return {
        "date": "2026-12-03",
        "database": "postgresql",
        "world": {"cases": 1014},
        "server": {"workers": 2, "clients": 8, "settings": server_settings},
        "requests_per_endpoint": 300,
        "machine": {"cpus": 2},
        "commit": "abc1234",
        "peak_rss_mb_per_worker": [150.0, 151.5],
        "endpoints": [],
    }


def test_a_run_names_the_settings_it_was_served_with_beside_its_table():
    text = load.section(_result(DB_CONN_MAX_AGE=0, POSTGRES_JIT="on"))
    assert "Served with `DB_CONN_MAX_AGE=0`, `POSTGRES_JIT=on`." in text
    assert "commit `abc1234`. Peak memory per worker at the end: 150.0 MB and 151.5 MB." in text


def test_a_run_kept_before_the_settings_were_recorded_names_none():
    assert "Served with" not in load.section(_result())
    older = _result()
    del older["server"]["settings"]
    assert "Served with" not in load.section(older)


def test_an_experiment_says_what_was_changed_beside_its_table():
    result = _result(DB_CONN_MAX_AGE=600)
    result["experiment"] = "parallel workers off on the database"
    assert "Experiment: parallel workers off on the database." in load.section(result)
    assert "Experiment" not in load.section(_result(DB_CONN_MAX_AGE=600))


def test_a_run_in_rounds_says_so_and_one_before_them_does_not():
    result = _result()
    result["rounds"] = 3
    assert "300 requests per endpoint (the reads in 3 rounds), 2 CPUs" in load.section(result)
    assert "300 requests per endpoint, 2 CPUs" in load.section(_result())
