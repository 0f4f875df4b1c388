"""The figure audit: what a figure says, checked against the analysis layer.

Each check reads a drawn Figure (Agg renderer) and returns a list of
problems, one sentence each, so a failing test says what is wrong where:

* texts: every drawn text lies inside the figure and overlaps no other,
  a label placed in an axes stays inside it, and a label for a point sits
  beside it or is joined to it by a leader line;
* shading: every shaded region is one the analysis layer reports for that
  function (kind and edges), and no shaded region holds a stationary point;
* markers: the filled and open markers sit exactly at the registry's jumps
  and kinks, and nowhere else;
* size: the saved PNG has the pixel size asked for.
"""
from __future__ import annotations

import math
from contextlib import contextmanager

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import Polygon, Rectangle
from matplotlib.text import Annotation, Text

from actviz import analysis


@contextmanager
def _recording_texts(found):
    """Record each Text as it is drawn: only drawn texts count (a tick label
    outside the view limits exists but is never drawn)."""
    original = Text.draw

    def draw(self, renderer):
        original(self, renderer)
        if self.get_visible() and self.get_text().strip():
            found.append((self, Text.get_window_extent(self, renderer)))  # an annotation's text, not its leader
    Text.draw = draw
    try:
        yield
    finally:
        Text.draw = original


def drawn_texts(fig):
    """(Text, its bounding box in pixels) for every text the figure draws."""
    FigureCanvasAgg(fig)
    found = []
    with _recording_texts(found):
        fig.canvas.draw()
    return found


def text_problems(fig, texts=None, tolerance=1.0):
    texts = drawn_texts(fig) if texts is None else texts
    frame = fig.bbox
    problems = []
    for text, box in texts:
        if text.axes is not None and text in text.axes.texts:
            inner = text.axes.get_window_extent().padded(tolerance)
            if not (inner.contains(box.x0, box.y0) and inner.contains(box.x1, box.y1)):
                problems.append(f"label {text.get_text()!r} runs out of its axes ({_show(box)})")
        if (isinstance(text, Annotation) and text.axes is not None and text.xycoords == "data"
                and text.arrow_patch is None and _gap(box, text) > BESIDE * fig.dpi / 72):
            problems.append(f"label {text.get_text()!r} sits {_gap(box, text) * 72 / fig.dpi:.0f} pt from its "
                            "point with no leader line")
        if (box.x0 < frame.x0 - tolerance or box.y0 < frame.y0 - tolerance
                or box.x1 > frame.x1 + tolerance or box.y1 > frame.y1 + tolerance):
            problems.append(f"text {text.get_text()!r} runs out of the figure ({_show(box)})")
    for leader, box in [(t.arrow_patch, box) for t, box in texts if isinstance(t, Annotation) and t.arrow_patch]:
        path = leader.get_path().transformed(leader.get_transform())
        problems += [f"a leader line crosses the text {other.get_text()!r}" for other, other_box in texts
                     if other_box is not box and path.intersects_bbox(other_box, filled=False)]
    for i, (a, box_a) in enumerate(texts):
        for b, box_b in texts[i + 1:]:
            if box_a.shrunk(0.98, 0.9).overlaps(box_b.shrunk(0.98, 0.9)) and _overlap(box_a, box_b) > tolerance:
                problems.append(f"texts {a.get_text()!r} and {b.get_text()!r} overlap")
    return problems


# How far (in points) a label may sit from its point and still be read as its
# label without a leader line.
BESIDE = 40


def _gap(box, annotation):
    """The distance in pixels from an annotation's point to its text's box."""
    x, y = annotation.axes.transData.transform(annotation.xy)
    return math.hypot(max(box.x0 - x, 0, x - box.x1), max(box.y0 - y, 0, y - box.y1))


def _overlap(a, b):
    """The smaller side of the overlap of two boxes, in pixels."""
    return min(min(a.x1, b.x1) - max(a.x0, b.x0), min(a.y1, b.y1) - max(a.y0, b.y0))


def _show(box):
    return f"x {box.x0:.0f}–{box.x1:.0f}, y {box.y0:.0f}–{box.y1:.0f} px"


def shaded_spans(ax):
    """(kind, lo, hi) of every shaded region on `ax`, in data coordinates."""
    spans = []
    for patch in ax.patches:
        gid = patch.get_gid() or ""
        if not gid.startswith("shade-"):
            continue
        if isinstance(patch, Rectangle):
            lo, hi = patch.get_x(), patch.get_x() + patch.get_width()
        else:
            assert isinstance(patch, Polygon)
            xs = patch.get_xy()[:, 0]
            lo, hi = float(xs.min()), float(xs.max())
        spans.append((gid.removeprefix("shade-"), min(lo, hi), max(lo, hi)))
    return sorted(spans, key=lambda s: s[1])


def shading_problems(ax, act, threshold=analysis.DEFAULT_THRESHOLD):
    lo, hi = ax.get_xlim()
    expected = [(r.kind, r.lo, r.hi) for r in analysis.clip(analysis.regions(act, threshold), lo, hi)]
    drawn = shaded_spans(ax)
    problems = []
    if [k for k, _, _ in drawn] != [k for k, _, _ in expected] or not all(
            math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12 * (hi - lo))
            for (_, *ends_a), (_, *ends_b) in zip(drawn, expected) for a, b in zip(ends_a, ends_b)):
        problems.append(f"{act.label}: shaded {drawn}, but the analysis says {expected}")
    for line in ax.get_lines():
        if (line.get_gid() or "").startswith("stationary"):
            x = float(line.get_xdata()[0])
            problems += [f"{act.label}: the stationary point at x = {x:g} lies in a {kind} region"
                         for kind, a, b in drawn if a < x < b]
    return problems


def _points(ax, gid):
    return sorted(float(x) for line in ax.get_lines() if line.get_gid() == gid for x in line.get_xdata())


def marker_problems(ax, act, derivative=True):
    lo, hi = ax.get_xlim()
    inside = lambda points: sorted(p for p in points if lo < p < hi)  # noqa: E731
    df_jumps = [c.x for c in analysis.curve(act, lo, hi, derivative=True).jumps] if derivative else []
    expected = {
        "kinks": inside(act.kinks),
        "jump-value-f": inside(act.jumps),
        "jump-value-df": df_jumps,
    }
    problems = []
    for gid, points in expected.items():
        drawn = _points(ax, gid)
        if drawn != points:
            problems.append(f"{act.label}: {gid} markers at {drawn}, but the registry says {points}")
    opens = _points(ax, "jump-open-f")
    if sorted(set(opens)) != expected["jump-value-f"]:
        problems.append(f"{act.label}: open circles at {opens}, but f jumps at {expected['jump-value-f']}")
    return problems


def png_size(path):
    """(width, height) from a PNG's IHDR chunk."""
    width, height = np.frombuffer(path.read_bytes()[16:24], dtype=">u4")
    return int(width), int(height)
