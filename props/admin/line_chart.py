"""The market change page's chart of its line and odds over time: server-rendered SVG (no
script, no CDN), drawn from the market's history (props.movement.latest_points).

Two panels share the time axis: the line (solid, round markers) and the decimal odds (dashed,
square markers). A value holds until the next version, so each series is a step path up to
now. Readable without colour: marker shapes and dash patterns tell the series apart, an
inactive version has a hollow marker, both axes are labelled, and the template puts the same
points in a table beside the chart.
"""

import math
from dataclasses import dataclass, field

from django.utils import timezone

from ..movement import latest_points
from ..odds import format_odds

WIDTH = 640
PANEL_HEIGHT = 140
LEFT, RIGHT, TOP, GAP, BOTTOM = 72, 20, 28, 44, 40
MAX_POINTS = 200
TIME_TICKS = 4


@dataclass
class Panel:
    title: str
    top: float
    path: str = ""
    markers: list = field(default_factory=list)  # {x, y, active, label}
    ticks: list = field(default_factory=list)  # {y, label}
    dashed: bool = False
    shape: str = "circle"

    @property
    def bottom(self):
        return self.top + PANEL_HEIGHT

    @property
    def label_y(self):
        return self.top + PANEL_HEIGHT / 2


@dataclass
class LineChart:
    panels: list
    time_ticks: list  # {x, label}
    rows: list  # the points, for the table beside the chart
    width: int = WIDTH
    height: int = 0
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    truncated: bool = False


def nice_ticks(low, high, count=4):
    """Round tick values covering [low, high] (a flat series gets a band around its value)."""
    if low == high:
        pad = abs(low) * 0.05 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _number(value):
    return f"{value:g}"


def _series_panel(title, top, points, key, times, x_of, now_x, *, dashed, shape, fmt):
    panel = Panel(title=title, top=top, dashed=dashed, shape=shape)
    values = [(at, p[key], p["is_active"]) for at, p in zip(times, points, strict=True)]
    known = [v for _, v, _ in values if v is not None]
    if not known:
        return panel
    ticks = nice_ticks(min(known), max(known))
    low, high = ticks[0], ticks[-1]

    def y_of(value):
        return top + PANEL_HEIGHT - (value - low) / (high - low) * PANEL_HEIGHT

    panel.ticks = [{"y": round(y_of(t), 1), "label": _number(t)} for t in ticks]
    commands = []
    for index, (at, value, active) in enumerate(values):
        if value is None:
            continue
        x, y = round(x_of(at), 1), round(y_of(value), 1)
        commands.append(f"{'M' if not commands else 'L'}{x},{y}")
        following = values[index + 1][0] if index + 1 < len(values) else None
        end_x = round(x_of(following), 1) if following is not None else now_x
        commands.append(f"L{end_x},{y}")
        panel.markers.append({"x": x, "y": y, "active": active, "label": fmt(value)})
    panel.path = " ".join(commands)
    return panel


def build_line_chart(market, *, now=None) -> LineChart | None:
    """The chart of `market`'s last MAX_POINTS versions (None when it has no history)."""
    points = latest_points(market.pk, count=MAX_POINTS + 1)
    truncated = len(points) > MAX_POINTS
    points = points[-MAX_POINTS:]
    if not points:
        return None
    now = now or timezone.now()
    times = [p["at"] for p in points]
    start, end = times[0], max(now, times[-1])
    span = (end - start).total_seconds() or 3600.0
    plot_width = WIDTH - LEFT - RIGHT

    def x_of(at):
        return LEFT + (at - start).total_seconds() / span * plot_width

    now_x = round(x_of(end), 1)
    line = _series_panel(
        "Line", TOP, points, "line", times, x_of, now_x, dashed=False, shape="circle", fmt=_number
    )
    odds = _series_panel(
        "Odds (decimal)",
        TOP + PANEL_HEIGHT + GAP,
        points,
        "odds",
        times,
        x_of,
        now_x,
        dashed=True,
        shape="square",
        fmt=lambda value: format_odds(value) or _number(value),
    )
    local = timezone.localtime
    time_ticks = []
    for n in range(TIME_TICKS + 1):
        moment = start + (end - start) * n / TIME_TICKS
        time_ticks.append(
            {"x": round(x_of(moment), 1), "label": local(moment).strftime("%b %d %H:%M")}
        )
    rows = [
        {
            **point,
            "odds_text": format_odds(point["odds"]) if point["odds"] is not None else "—",
        }
        for point in reversed(points)  # newest first, as the history page lists them
    ]
    return LineChart(
        panels=[line, odds],
        time_ticks=time_ticks,
        rows=rows,
        height=TOP + 2 * PANEL_HEIGHT + GAP + BOTTOM,
        truncated=truncated,
    )
