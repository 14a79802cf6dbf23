"""Plots keystroke -> diagnostics latency against document size from bench-lsp's CSV.

Usage: plot-keystrokes.py KEYSTROKES_CSV OUT_PNG
"""

import csv
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import NullFormatter, ScalarFormatter  # noqa: E402


def percentile(values, p):
    values = sorted(values)
    return values[round((len(values) - 1) * p)]


def main(src, out):
    # mode -> doc size -> latencies
    by_mode = defaultdict(lambda: defaultdict(list))
    with open(src, newline="") as f:
        for row in csv.DictReader(f):
            by_mode[row.get("mode", "pushed")][int(row["doc_bytes"])].append(float(row["ms"]))
    sizes = sorted(by_mode["pushed"])
    mb = [s / 1e6 for s in sizes]
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    modes = [
        ("pushed", "tab:blue", "publishDiagnostics (pushed)"),
        ("pulled", "tab:orange", "textDocument/diagnostic (pulled)"),
    ]
    for mode, color, name in modes:
        by_size = by_mode.get(mode)
        if not by_size:
            continue
        for s, x in zip(sizes, mb):
            ys = by_size[s]
            ax.scatter([x] * len(ys), ys, s=6, alpha=0.2, color=color)
        for p, style in [(0.5, "o-"), (0.95, "s--")]:
            ys = [percentile(by_size[s], p) for s in sizes]
            ax.plot(mb, ys, style, color=color, label=f"{name}, p{round(p * 100)}")
    ax.axhline(2, color="tab:green", linewidth=1, label="target p95 (1 MB): 2 ms")
    ax.axhline(5, color="tab:red", linewidth=1, label="spec bar: 5 ms")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(mb)
    ax.set_xticklabels([f"{x:.2g} MB" for x in mb])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_major_formatter(ScalarFormatter())
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("running doc size")
    ax.set_ylabel("keystroke -> diagnostics at the editor (ms)")
    ax.set_title("oneonone-ls: one keystroke in the newest meeting")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
