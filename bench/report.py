"""Render bench/results.json (and a soak's JSON, if given) as the tables of RESULTS.md.

/work/venv/bin/python bench/report.py bench/results.json [soak.json] > /tmp/tables.md
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def tables(report: dict[str, Any]) -> str:
    """Markdown: latency table, request shapes, fan-out."""
    lines = [
        f"Commit {report['commit']}; {report['machine']}; run took {report['seconds']:.0f} s; "
        f"seed {report['seed']['items']} items in {report['seed']['seconds']:.0f} s.",
        "",
        "| operation | clients | service p50 / p95 / p99 ms | service ops/s | raw p50 / p99 ms "
        "| raw ops/s | p50 ratio | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    fan = []
    for result in report["results"].values():
        s = result["service"]
        if result["op"] == "fan-out":
            fan.append(
                f"| {result['clients']} | {s['n']} | {s['p50']:.1f} | {s['p95']:.1f} | "
                f"{s['p99']:.1f} | {s['max']:.1f} |"
            )
            continue
        r = result["raw"]
        lines.append(
            f"| {result['op']} | {result['clients']} | {s['p50']:.1f} / {s['p95']:.1f} / "
            f"{s['p99']:.1f} | {s['rps']:.1f} | {r['p50']:.1f} / {r['p99']:.1f} | "
            f"{r['rps']:.1f} | {s['p50'] / r['p50']:.2f} | {s.get('errors', 0)} |"
        )
    lines += ["", "| operation | DynamoDB requests (count of calls seen) |", "| --- | --- |"]
    for op, shapes in report["counts"].items():
        seen = "; ".join(
            f"{shape} x{n}" for shape, n in sorted(shapes.items(), key=lambda x: -x[1])
        )
        lines.append(f"| {op} | {seen} |")
    if fan:
        lines += [
            "",
            "| subscribers | deliveries | p50 ms | p95 ms | p99 ms | max ms |",
            "| ---: | ---: | ---: | ---: | ---: | ---: |",
            *fan,
        ]
    lines += [
        "",
        f"API RSS: {report.get('rss_start_mb', 0):.1f} MB after warm-up, "
        f"{report.get('rss_end_mb', 0):.1f} MB after the operations.",
    ]
    return "\n".join(lines)


def soak_table(soak: dict[str, Any]) -> str:
    """Markdown: the soak's RSS."""
    rate = soak["interactions"] / soak["seconds"]
    return (
        f"{soak['interactions']} recordInteraction calls at 32 clients in {soak['seconds']:.0f} s "
        f"({rate:.0f}/s): RSS {soak['rss_after_warm_up_mb']:.1f} MB "
        f"after {soak['warm_up']} (warm-up), max {soak['rss_max_mb']:.1f} MB, "
        f"end {soak['rss_end_mb']:.1f} MB: growth {soak['growth_pct']:+.1f} %."
    )


def main() -> None:
    """Print the tables."""
    report = json.loads(Path(sys.argv[1]).read_text())
    print(tables(report))
    if len(sys.argv) > 2:
        print()
        print(soak_table(json.loads(Path(sys.argv[2]).read_text())))


if __name__ == "__main__":
    main()
