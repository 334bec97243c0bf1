"""The report of `make mutate`: per rule module, how many mutants were killed, survived, timed out
or reached by no test, and the score over the mutants that are not equivalent.

A mutant is equivalent when no test can tell it from the original (it changes nothing a caller can
observe); docs/dev/testing.md names each one with its reason, and this report reads the names from
there. Score = (killed + timeout) / (mutants - equivalent): a mutant that no test reaches counts as
not killed.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
TESTING_DOC = ROOT / "docs" / "dev" / "testing.md"

#: mutmut's exit codes per verdict (mutmut 3.8, ``mutmut.stats.status_by_exit_code``).
STATUS = {
    1: "killed",
    3: "killed",
    0: "survived",
    5: "no tests",
    33: "no tests",
    34: "skipped",
    36: "timeout",
    -24: "timeout",
    24: "timeout",
    152: "timeout",
    255: "timeout",
    None: "not checked",
}
COLUMNS = ("killed", "timeout", "survived", "no tests", "suspicious", "not checked")


def equivalent_mutants() -> set[str]:
    if not TESTING_DOC.exists():
        return set()
    return set(re.findall(r"`(sundhedskoordinator\.[\w.]+__mutmut_\d+)`", TESTING_DOC.read_text()))


def main() -> int:
    metas = sorted(MUTANTS.glob("sundhedskoordinator/**/*.py.meta"))
    if not metas:
        print("No mutation results: run `make mutate` first.", file=sys.stderr)
        return 1
    equivalent = equivalent_mutants()
    lines = [
        "| module | checked | killed | timeout | survived | no tests | suspicious | not checked "
        "| equivalent | score |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    totals: Counter[str] = Counter()
    survivors: list[str] = []
    for meta in metas:
        codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
        counts: Counter[str] = Counter()
        for name, code in codes.items():
            if name in equivalent and code is not None:
                counts["equivalent"] += 1
                continue
            status = STATUS.get(code, "suspicious")
            counts[status] += 1
            if status in ("survived", "no tests", "suspicious"):
                survivors.append(f"{name}: {status}")
        counts["checked"] = len(codes) - counts["not checked"]
        totals.update(counts)
        module = str(meta.relative_to(MUTANTS)).removesuffix(".meta")
        lines.append(row(module, counts))
    lines.append(row("**all**", totals))
    seconds = int(os.environ.get("MUTATE_SECONDS", "0"))
    took = [f"Run time: {seconds // 60} min {seconds % 60} s.", ""] if seconds else []
    report = "\n".join(
        [
            "# Mutation report",
            "",
            "Score = (killed + timeout) / (checked - equivalent).",
            "",
            *took,
            *lines,
            "",
            "## Not killed and not documented as equivalent",
            "",
            *(f"- {s}" for s in survivors),
            "",
        ]
    )
    (MUTANTS / "report.md").write_text(report)
    print(report)
    return 0


def row(module: str, counts: Counter[str]) -> str:
    considered = counts["checked"] - counts["equivalent"]
    caught = counts["killed"] + counts["timeout"]
    score = f"{100 * caught / considered:.1f} %" if considered else "–"
    cells = [str(counts[c]) for c in ("checked", *COLUMNS, "equivalent")]
    return f"| {module} | {' | '.join(cells)} | {score} |"


if __name__ == "__main__":
    sys.exit(main())
