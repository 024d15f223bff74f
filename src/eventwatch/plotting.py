"""PNG charts, drawn with matplotlib's Agg canvas (no display, no global pyplot state).

>>> plot_dyad(eventwatch.dyad("CHN", "PAK", db="demo.duckdb"), "chn_pak.png")
'chn_pak.png'
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import error

if TYPE_CHECKING:
    from .relations import DyadReport

# cooperation in greens/blues, conflict in oranges/reds; readable in grey print too (light to dark)
QUAD_COLOURS = {"verbal_cooperation": "#8fd175", "material_cooperation": "#2b8cbe",
                "verbal_conflict": "#fdae61", "material_conflict": "#d7191c"}
MAX_TICK_LABELS = 24


def plot_dyad(report: "DyadReport", path: str) -> str:
    """Two panels (A→B above, B→A below): stacked QuadClass bars per period, mean Goldstein as a
    line on the right axis (-10..10), periods with attacks shaded and marked. Returns ``path``."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.patches import Patch
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        raise error("EW096") from None
    from .relations import QUADS, _QUAD_LABELS

    periods = report.periods
    n = max(len(periods), 1)
    x = list(range(len(periods)))
    width = min(max(9.0, 0.45 * n + 3), 24.0)
    fig = Figure(figsize=(width, 8.0), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, 1, sharex=True)
    ymax = max([1] + [getattr(p, d).events for p in periods for d in ("a_to_b", "b_to_a")])
    for ax, direction, title in ((axes[0], "a_to_b", f"{report.a_name} → {report.b_name}"),
                                 (axes[1], "b_to_a", f"{report.b_name} → {report.a_name}")):
        bottom = [0] * len(periods)
        for q in QUADS:
            h = [getattr(p, direction).quads[q] for p in periods]
            ax.bar(x, h, bottom=bottom, color=QUAD_COLOURS[q], width=0.8, label=_QUAD_LABELS[q],
                   edgecolor="white", linewidth=0.5)
            bottom = [b + v for b, v in zip(bottom, h)]
        attacks = [i for i, p in enumerate(periods) if getattr(p, direction).kinds["attacks"]]
        for i in attacks:
            ax.axvspan(i - 0.5, i + 0.5, color="#d7191c", alpha=0.10, zorder=0)
        if attacks:
            ax.scatter(attacks, [ymax * 1.12] * len(attacks), marker="v", color="#a50f15", s=60, zorder=3,
                       label="period with attacks")
        ax.set_ylim(0, ymax * 1.25)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(f"events {report.direction_label(direction)}")
        ax.set_title(title, loc="left", fontsize=11)
        ax.grid(axis="y", alpha=0.3)
        ax2 = ax.twinx()
        means = [getattr(p, direction).goldstein_mean for p in periods]
        ax2.plot(x, [m if m is not None else float("nan") for m in means], color="black", marker="o",
                 markersize=4, linewidth=1.5, label="mean Goldstein")
        ax2.axhline(0, color="grey", linewidth=0.6, linestyle=":")
        ax2.set_ylim(-10.5, 10.5)
        ax2.set_ylabel("mean Goldstein (−10 … +10)")
    step = max(1, -(-len(periods) // MAX_TICK_LABELS))
    axes[1].set_xticks(x[::step], [p.label for p in periods][::step], rotation=45, ha="right")
    axes[1].set_xlabel(report.by)
    if not periods:
        axes[0].text(0.5, 0.5, "no events between these countries", transform=axes[0].transAxes, ha="center")
    handles = [Patch(color=QUAD_COLOURS[q], label=_QUAD_LABELS[q]) for q in QUADS]
    from matplotlib.lines import Line2D

    handles += [Line2D([], [], color="black", marker="o", label="mean Goldstein"),
                Line2D([], [], color="#a50f15", marker="v", linestyle="", label="period with attacks")]
    fig.legend(handles=handles, loc="outside lower center", ncol=6 if width >= 14 else 3, fontsize=9, frameon=False)
    fig.suptitle(f"Relations {report.a_name} – {report.b_name} by {report.by}"
                 + (f", {periods[0].label} to {periods[-1].label}" if periods else ""), fontsize=13)
    try:
        fig.savefig(path, format="png")
    except (OSError, ValueError) as exc:
        raise error("EW095", detail=f"{path!r}: {exc}") from None
    return path
