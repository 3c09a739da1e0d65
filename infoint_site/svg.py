"""Charts and the referral graph as inline SVG, drawn at build time.

No script and no style attributes: shapes carry classes that the theme's stylesheet
colours (so dark mode and print work, and a strict Content-Security-Policy holds).
Every function returns markup with all text escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    css: str = ""
    href: str | None = None
    note: str = ""
    """Text shown after the value, e.g. '(8%)'."""


def _text(x: float, y: float, text: str, css: str = "", anchor: str = "start") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" class="{css}" text-anchor="{anchor}">'
            f"{escape(text)}</text>")


def hbars(bars: Sequence[Bar], title: str, value_format: str = "{:g}") -> Markup:
    """A horizontal bar chart: a row per bar, an inline SVG bar between HTML labels.

    Labels stay text of the page, so they keep their size on any screen while the bars
    stretch to fit.
    """
    top = max((b.value for b in bars), default=0) or 1
    rows = []
    for bar in bars:
        length = 100 * bar.value / top
        if bar.value:
            length = max(length, 0.8)
        value = value_format.format(bar.value) + (f" {bar.note}" if bar.note else "")
        inner = (
            f'<span class="label">{escape(bar.label)}</span>'
            f'<svg class="hbar" viewBox="0 0 100 10" preserveAspectRatio="none"'
            f' aria-hidden="true" focusable="false"><rect class="track" width="100"'
            f' height="10"/><rect class="bar {escape(bar.css)}" width="{length:.2f}"'
            f' height="10"/></svg><span class="value">{escape(value)}</span>'
        )
        if bar.href:
            rows.append(f'<a class="hbar-row" href="{escape(bar.href)}">{inner}</a>')
        else:
            rows.append(f'<div class="hbar-row">{inner}</div>')
    return Markup(f'<figure class="chart hbars" aria-label="{escape(title)}">'
                  f'<figcaption class="visually-hidden">{escape(title)}</figcaption>'
                  f'{"".join(rows)}</figure>')


def columns(series: Sequence[tuple[str, Mapping[str, int]]], keys: Sequence[tuple[str, str]],
            title: str, height: int = 220) -> Markup:
    """A stacked column chart: one column per (label, {key: count}); keys are (key, label)."""
    col_w, gap, left, bottom, top_pad = 38, 14, 34, 36, 12
    width = left + len(series) * (col_w + gap) + gap
    top = max((sum(counts.values()) for _, counts in series), default=0) or 1
    plot_h = height - bottom - top_pad
    parts = [f'<svg class="chart columns" viewBox="0 0 {width} {height + 24}" width="{width}"'
             f' height="{height + 24}" role="img" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>"]
    step = max(1, top // 4)
    for tick in range(0, top + 1, step):
        y = top_pad + plot_h - plot_h * tick / top
        parts.append(f'<line x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        parts.append(_text(left - 6, y + 4, str(tick), "tick", "end"))
    for i, (label, counts) in enumerate(series):
        x = left + gap + i * (col_w + gap)
        y = top_pad + plot_h
        for key, key_label in keys:
            value = counts.get(key, 0)
            if not value:
                continue
            h = plot_h * value / top
            y -= h
            parts.append(f'<rect x="{x}" y="{y:.1f}" width="{col_w}" height="{h:.1f}"'
                         f' class="bar {escape(key)}"><title>{escape(label)}: {value}'
                         f" {escape(key_label)}</title></rect>")
        total = sum(counts.values())
        if total:
            parts.append(_text(x + col_w / 2, y - 3, str(total), "value", "middle"))
        parts.append(_text(x + col_w / 2, top_pad + plot_h + 16, label, "tick", "middle"))
    legend_x = left
    for key, key_label in keys:
        parts.append(f'<rect x="{legend_x}" y="{height + 8}" width="12" height="12"'
                     f' class="bar {escape(key)}"/>')
        parts.append(_text(legend_x + 16, height + 18, key_label, "tick"))
        legend_x += 26 + 7 * len(key_label)
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True, slots=True)
class GraphNode:
    id: str
    label: str
    css: str
    href: str
    children: tuple[str, ...]


def referral_graph(nodes: Mapping[str, GraphNode], roots: Sequence[str],
                   title: str = "Referral graph") -> Markup:
    """Trees drawn top-down: each root's referrals below it, leaves side by side.

    Iterative (a chain can be thousands deep); x of a parent is the middle of its
    children's span; y is the depth.
    """
    node_w, node_h, col_w, row_h, margin = 150, 34, 166, 84, 12
    x_slot: dict[str, float] = {}
    depth: dict[str, int] = {}
    next_leaf = 0.0
    for root in roots:
        stack: list[tuple[str, int, bool]] = [(root, 0, False)]
        while stack:
            node_id, level, expanded = stack.pop()
            node = nodes[node_id]
            if expanded or not node.children:
                depth[node_id] = level
                if node.children:
                    kids = [x_slot[c] for c in node.children]
                    x_slot[node_id] = (kids[0] + kids[-1]) / 2
                else:
                    x_slot[node_id] = next_leaf
                    next_leaf += 1
                continue
            stack.append((node_id, level, True))
            for child in reversed(node.children):
                stack.append((child, level + 1, False))
        next_leaf += 0.35  # a little air between trees
    if not x_slot:
        return Markup("")
    width = int(next_leaf * col_w + 2 * margin)
    height = (max(depth.values()) + 1) * row_h + margin
    parts = [f'<svg class="graph" viewBox="0 0 {width} {height}" width="{width}"'
             f' height="{height}" role="img" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>"]

    def centre(node_id: str) -> tuple[float, float]:
        return (margin + x_slot[node_id] * col_w + node_w / 2,
                margin + depth[node_id] * row_h)

    for node_id in x_slot:
        x1, y1 = centre(node_id)
        for child in nodes[node_id].children:
            x2, y2 = centre(child)
            mid = (y1 + node_h + y2) / 2
            parts.append(f'<path class="edge" d="M{x1:.1f},{y1 + node_h:.1f} C{x1:.1f},{mid:.1f}'
                         f' {x2:.1f},{mid:.1f} {x2:.1f},{y2:.1f}"/>')
    for node_id in x_slot:
        node = nodes[node_id]
        cx, y = centre(node_id)
        label = node.label if len(node.label) <= 20 else node.label[:19] + "…"
        parts.append(
            f'<a href="{escape(node.href)}"><g class="node {escape(node.css)}">'
            f"<title>{escape(node.label)}</title>"
            f'<rect x="{cx - node_w / 2:.1f}" y="{y:.1f}" width="{node_w}" height="{node_h}"'
            f' rx="8"/>{_text(cx, y + 22, label, "", "middle")}</g></a>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
