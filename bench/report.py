"""Figures beside their targets: one table format, PASS/FAIL and the exit status for every bench.

A figure is a list of samples reduced by its median (or its p95, for latencies whose tail
is the target); ``unit`` says how to print it and which way is better: "ms" and "x" must
stay at or under the target, rates (a unit with "/", such as "/s") at or over it. A row without a target is
context (a floor, a part of a total) and has no verdict.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


@dataclass
class Row:
    name: str
    samples: list[float]  # milliseconds, a ratio ("x"), or a rate ("/s")
    target: float | None = None
    unit: str = "ms"
    note: str = ""
    by: str = "median"  # which figure the target applies to: "median" or "p95"

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]

    @property
    def judged(self) -> float:
        return self.p95 if self.by == "p95" else self.median

    @property
    def higher_is_better(self) -> bool:
        return "/" in self.unit

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        if self.higher_is_better:
            return "PASS" if self.judged >= self.target else "FAIL"
        return "PASS" if self.judged <= self.target else "FAIL"

    def show(self, value: float) -> str:
        if self.unit == "x":
            return f"{value:.2f}x"
        if self.unit == "ms":
            return f"{value:.2f} ms" if value < 1 else f"{value:.1f} ms"  # floors are sub-ms
        number = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"
        return f"{number} {self.unit.lstrip()}"

    @property
    def target_text(self) -> str:
        if self.target is None:
            return ""
        sign = ">=" if self.higher_is_better else "<="
        value = f"{self.target:g}x" if self.unit == "x" else f"{self.target:g}"
        return f"{'p95 ' if self.by == 'p95' else ''}{sign} {value}"


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        verdict = f"  {row.verdict}" if row.verdict else ""
        print(f"  {row.name}: {row.by} {row.show(row.judged)}{verdict}", flush=True)

    def table(self) -> str:
        width = max(len(r.name) for r in self.rows)
        head = (
            f"{'measure':<{width}}  {'n':>4}  {'median':>13}  {'p95':>13}  {'target':>12}  result"
        )
        lines = [head, "-" * len(head)]
        for r in self.rows:
            lines.append(
                f"{r.name:<{width}}  {len(r.samples):>4}  {r.show(r.median):>13}  "
                f"{r.show(r.p95):>13}  {r.target_text:>12}  {r.verdict or '-':<6}"
                + (f"  {r.note}" if r.note else "")
            )
        return "\n".join(lines)

    @property
    def failed(self) -> bool:
        return any(r.verdict == "FAIL" for r in self.rows)

    def exit_status(self) -> int:
        """1 when any figure missed its target, else 0."""
        return 1 if self.failed else 0
