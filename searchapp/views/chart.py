"""The compare page's chart, laid out in Python and drawn by the template as SVG: no
JavaScript, every point named (<title>) for a screen reader and on hover."""

from __future__ import annotations

from dataclasses import dataclass

from searchapp.search.compare import Comparison
from searchapp.search.timeline import label, short_label

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 14, 40  # room for the axes' labels
# One colour per search, told apart also in greyscale and by the colour-blind (Okabe-Ito).
COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7")
MEASURES = ("count", "share")
X_LABELS = 8  # at most, evenly spaced, so that they never overlap


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    title: str


@dataclass(frozen=True)
class Line:
    query: str
    colour: str
    points: list[Point | None]  # None: no share in a bucket without articles (a gap)

    @property
    def paths(self) -> list[str]:
        """The line's runs of points between gaps, as SVG `points`."""
        out, run = [], []
        for p in [*self.points, None]:
            if p is None:
                if run:
                    out.append(" ".join(run))
                run = []
            else:
                run.append(f"{p.x:.1f},{p.y:.1f}")
        return out


@dataclass(frozen=True)
class Chart:
    measure: str
    lines: list[Line]
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM


def _shown(value: float, measure: str) -> str:
    return f"{value * 100:.2f}%" if measure == "share" else f"{int(value):,}"


def chart(cmp: Comparison, measure: str = "count") -> Chart:
    """The lines of every search (counts, or shares of all articles) over the buckets."""
    n = len(cmp.buckets)
    values = [[cmp.share(s, i) if measure == "share" else s.counts[i] for i in range(n)]
              for s in cmp.series]
    most = max((v for vs in values for v in vs), default=0) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (i + 0.5) * plot_w / max(n, 1)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - v / most)

    lines = []
    for k, (s, vs) in enumerate(zip(cmp.series, values, strict=True)):
        points: list[Point | None] = []
        for i, v in enumerate(vs):
            b = cmp.buckets[i]
            if measure == "share" and not b.count:
                points.append(None)
                continue
            title = (f"{s.query} · {label(b, cmp.interval)}: {s.counts[i]:,} of {b.count:,} "
                     f"articles ({cmp.share(s, i) * 100:.2f}%)")
            points.append(Point(x(i), y(v), title))
        lines.append(Line(s.query, COLOURS[k % len(COLOURS)], points))
    y_ticks = [(y(most * f), _shown(most * f, measure)) for f in (0, 0.5, 1)]
    step = max(1, -(-n // X_LABELS))
    x_ticks = [(x(i), short_label(cmp.buckets[i], cmp.interval)) for i in range(0, n, step)]
    return Chart(measure, lines, y_ticks, x_ticks)
