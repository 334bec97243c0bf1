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
