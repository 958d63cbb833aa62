"""Small inline-SVG charts for the HTML report: a line chart (trend by month) and a bar chart (by region).

Written here rather than pulled from a plotting library: the report must be one self-contained file that
opens without network access, and two chart shapes with fixed styling are a few dozen lines. Values that
are ``None`` (a rate with nothing to divide by) are drawn as gaps, never as zero.
"""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT = 640, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 48, 16, 28, 56
_COLOURS = ("#C00000", "#1F4E79", "#7F6000", "#375623")


def _scale(values: list[float | None]) -> float:
    top = max((v for v in values if v is not None), default=0.0)
    if top <= 0:
        return 1.0
    for step in (1, 2, 5):  # a round upper bound: 1, 2, 5, 10, 20, 50, ...
        magnitude = 10 ** (len(str(int(top))) - 1)
        if top <= step * magnitude:
            return float(step * magnitude)
    return float(10 ** len(str(int(top))))


def _frame(title: str, top: float, parts: list[str]) -> str:
    plot_h = HEIGHT - _TOP - _BOTTOM
    grid = []
    for i in range(5):
        y = _TOP + plot_h * i / 4
        grid.append(f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{WIDTH - _RIGHT}" y2="{y:.1f}" stroke="#DDD"/>'
                    f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{top * (4 - i) / 4:g}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
            f'height="{HEIGHT}" font-family="sans-serif"><title>{escape(title)}</title>'
            f'<text x="{WIDTH / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">{escape(title)}</text>'
            + "".join(grid) + "".join(parts) + "</svg>")


def _legend(series: list[tuple[str, list]]) -> list[str]:
    out = []
    for i, (name, _) in enumerate(series):
        x = _LEFT + i * 170
        out.append(f'<rect x="{x}" y="{HEIGHT - 16}" width="10" height="10" fill="{_COLOURS[i % len(_COLOURS)]}"/>'
                   f'<text x="{x + 14}" y="{HEIGHT - 7}" font-size="11">{escape(name)}</text>')
    return out


def line_chart(title: str, labels: list[str], series: list[tuple[str, list[float | None]]]) -> str:
    """One polyline per series over the labels (months); a missing value breaks the line."""
    top = _scale([v for _, values in series for v in values])
    plot_w, plot_h = WIDTH - _LEFT - _RIGHT, HEIGHT - _TOP - _BOTTOM
    step = plot_w / max(len(labels), 1)  # each point centred in its slot, so the end labels are not cut off
    parts = [f'<text x="{_LEFT + (i + 0.5) * step:.1f}" y="{HEIGHT - _BOTTOM + 16}" text-anchor="middle" font-size="10">'
             f'{escape(label)}</text>' for i, label in enumerate(labels)]
    for k, (_, values) in enumerate(series):
        colour = _COLOURS[k % len(_COLOURS)]
        segment: list[str] = []
        for i, v in enumerate(values + [None]):
            if v is None:
                if len(segment) > 1:
                    parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(segment)}"/>')
                segment = []
                continue
            x, y = _LEFT + (i + 0.5) * step, _TOP + plot_h * (1 - v / top)
            segment.append(f"{x:.1f},{y:.1f}")
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>{escape(labels[i])}: {v:g}'
                         f'</title></circle>')
    return _frame(title, top, parts + _legend(series))


def bar_chart(title: str, labels: list[str], series: list[tuple[str, list[float | None]]]) -> str:
    """Grouped bars, one group per label (region), one bar per series; a missing value draws no bar."""
    top = _scale([v for _, values in series for v in values])
    plot_w, plot_h = WIDTH - _LEFT - _RIGHT, HEIGHT - _TOP - _BOTTOM
    group_w = plot_w / max(len(labels), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    parts = []
    for i, label in enumerate(labels):
        x0 = _LEFT + i * group_w + group_w * 0.1
        parts.append(f'<text x="{_LEFT + (i + 0.5) * group_w:.1f}" y="{HEIGHT - _BOTTOM + 16}" text-anchor="middle" '
                     f'font-size="10">{escape(label)}</text>')
        for k, (_, values) in enumerate(series):
            v = values[i]
            if v is None:
                continue
            h = plot_h * v / top
            parts.append(f'<rect x="{x0 + k * bar_w:.1f}" y="{_TOP + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                         f'fill="{_COLOURS[k % len(_COLOURS)]}"><title>{escape(label)}: {v:g}</title></rect>')
    return _frame(title, top, parts + _legend(series))
