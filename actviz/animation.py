"""Parameter sweeps that move: one function drawn at each value of a
parameter, written as a GIF, an MP4 video or a self-playing HTML page.

Every frame is an ordinary :func:`plotting.figure` (shading, kinks, jumps,
stationary points and their labels exactly as `actviz plot` draws them),
drawn on axes that stay put for the whole sweep:

- the x- and y-limits are computed over every frame before the first is
  drawn (:func:`sweep_limits`), so a curve moves and its axes do not;
- the axes' boxes are fixed too: a legend that gains an entry on one frame
  (leaky ReLU's dead region at slope 0) would make constrained layout
  shrink that frame's axes, so the layout is worked out for every frame
  first and each frame is then drawn in the smallest box of them all
  (:func:`fixed_boxes`).

The current value is the frame's title, set large enough to be read from
the back of a lecture room, with as many decimals as the sweep needs and no
more, so that its width does not change from frame to frame.

Frames are drawn and written one at a time: a GIF frame is the part of the
picture that changed since the last one, with a palette of its own; an MP4
frame goes down a pipe to ffmpeg (the ``video`` extra's imageio-ffmpeg
ships one); an HTML page holds every frame as a PNG, as matplotlib's
``to_jshtml`` player does. A GIF and an HTML page are the same bytes for
the same command.
"""
from __future__ import annotations

import gc
import hashlib
import html
import itertools
import math
import re
import subprocess
import tempfile
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterator, Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from . import analysis, output, plotting
from .look import Look
from .functions import Activation, ActvizError, Vector, format_value, get

FORMATS = ("gif", "mp4", "html")
# Enough for a slow sweep of a minute at 15 fps; a typo such as a count of
# 10⁶ (hours of drawing, gigabytes of GIF) is refused before any is drawn.
MAX_FRAMES = 1000
# A GIF's frame delay is counted in hundredths of a second, and browsers
# slow anything under 2 of them to 10: 50 fps is the fastest a GIF plays.
MAX_FPS = 50
VIDEO_INSTALL = "pip install 'actviz[video]'"
# The caption (the current value) is this much larger than a figure title,
# and shrinks, not below a title's size, only if it would not fit the width.
CAPTION_SCALE = 1.6
CAPTION_WIDTH = 0.94  # of the figure's width


@dataclass(frozen=True)
class CaptionedActivation(Activation):
    """An activation whose legend label is given: the value written with
    the sweep's fixed number of decimals ('negative_slope=0.10', not '0.1'),
    so that the legend keeps its width from frame to frame."""

    caption: str = ""

    @property
    def label(self) -> str:
        return self.caption


@dataclass(frozen=True)
class Frame:
    """One frame: the function at one value, and the value as it is shown."""

    act: Activation
    title: str


def _decimals(values: Sequence[float], most: int = 6) -> int | None:
    """The fewest decimals that write every value as the number it is
    (0.1 and 0.25 need 2: '0.10', '0.25'); None when `most` are not enough."""
    for places in range(most + 1):
        if all(float(f"{v:.{places}f}") == v for v in values):
            return places
    return None


def _value_texts(values: Sequence) -> list[str]:
    """The values as a column of equal width: fixed decimals where they
    suffice, else six significant digits; words (a choice) as they are."""
    if any(isinstance(v, str) for v in values):
        return [str(v) for v in values]
    places = _decimals(values)
    if places is None or max(abs(v) for v in values) >= 1e6:
        return [format_value(float(v)) for v in values]
    return [f"{v:.{places}f}".replace("-", "−") for v in values]


def sweep_frames(name: str, key: str, values: Sequence, fixed: dict, preset: str | None = None,
                 title: str | None = None) -> list[Frame]:
    """A frame per value of parameter `key` of function `name` (numbers, or
    text as typed), the other parameters `fixed`. Every value is checked
    against the parameter's domain before any frame is drawn. Each frame's
    title is `title` (default: the name) and the value.  A vector function
    (softmax, …) is drawn in its two-class form, p₁ against z₁ − z₂, as
    `actviz plot` draws it."""
    if len(values) < 2:
        raise ActvizError(f"a sweep needs at least 2 values of {key!r}; got {len(values)}")
    if len(values) > MAX_FRAMES:
        raise ActvizError(f"a sweep of {len(values)} frames is more than {MAX_FRAMES}; use fewer values")
    acts = []
    for number, value in enumerate(values, 1):
        try:
            act = get(name, preset, **fixed, **{key: value})
            acts.append(act.two_class if isinstance(act, Vector) else act)
        except ActvizError as error:
            raise ActvizError(f"{error} (frame {number} of {len(values)})") from None
    frames = []
    for act, text in zip(acts, _value_texts([act.params[key] for act in acts])):
        others = [f"{k}={format_value(v)}" for k, v in act.changed_params.items() if k != key]
        caption = f"{act.name}({', '.join([*others, f'{key}={text}'])})"
        frames.append(Frame(CaptionedActivation(act.spec, act.params, caption),
                            f"{title or act.name}   {key} = {text}"))
    return frames


def training_frames(count: int, seed: int, preset: str | None = None, title: str | None = None,
                    **params) -> list[Frame]:
    """RReLU as it trains: each frame a slope a drawn uniformly from
    [lower, upper] (numpy's default_rng(seed)), the leaky ReLU it then is.

    A frame is ``rrelu`` with lower = upper = a, whose mean slope
    (a + a)/2 is a exactly."""
    if not 2 <= count <= MAX_FRAMES:
        raise ActvizError(f"--frames must lie in 2–{MAX_FRAMES}; got {count}")
    template = get("rrelu", preset, **params)
    lower, upper = template.params["lower"], template.params["upper"]
    slopes = np.random.default_rng(seed).uniform(lower, upper, count).tolist()
    bounds = f"U[{format_value(lower)}, {format_value(upper)}]"
    return [Frame(CaptionedActivation(template.spec, {"lower": a, "upper": a}, f"rrelu(a ~ {bounds})"),
                  f"{title or 'rrelu'}   a = {a:.3f}") for a in slopes]


def sweep_limits(acts: Sequence[Activation], options: plotting.FigureOptions) -> plotting.FigureOptions:
    """`options` with the x-range, the y-range and (side by side) the f′
    panel's y-range that hold every frame: each function's own x-range,
    joined, and the y-range :func:`plotting.plot` chooses when it draws all
    the frames' curves on one axes (the user's --xlim and --ylim stay)."""
    ranges = [analysis.common_xlim([act]) for act in acts]
    xlim = options.xlim or (min(lo for lo, _ in ranges), max(hi for _, hi in ranges))
    draw_f, draw_df = not options.derivative_only, options.derivative or options.derivative_only
    side = options.layout == "side"
    panels = [(draw_f, draw_df and not side)] + ([(False, True)] if side else [])
    ylims = []
    with mpl.rc_context({"axes.prop_cycle": mpl.cycler(color=["k"])}):  # colours play no part here
        for function, derivative in panels:
            ax = Figure().add_subplot()
            plotting.plot(ax, *acts, function=function, derivative=derivative, shade=False, xlim=xlim,
                          zoom=False, origin_axes=False)
            ylims.append(ax.get_ylim())
    return replace(options, xlim=xlim, ylim=options.ylim or ylims[0], dylim=ylims[1] if side else None)


def _text_width(text: str, size: float) -> float:
    """The width of `text` in points at font size `size`, in the theme's font."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path
    return text_to_path.get_text_width_height_descent(text, FontProperties(size=size), ismath=False)[0]


def caption_size(titles: Sequence[str], figure_width: float) -> float:
    """One font size for every frame's title: CAPTION_SCALE times a title's,
    or as large as lets the widest fit the figure (never below a title's)."""
    from matplotlib.font_manager import FontProperties
    title = FontProperties(size=mpl.rcParams["figure.titlesize"]).get_size_in_points()
    widest = max(_text_width(t, title) for t in titles)
    return max(title, min(CAPTION_SCALE * title, title * CAPTION_WIDTH * 72 * figure_width / widest))


def _frame_figure(frame: Frame, options: plotting.FigureOptions, look: Look, fontsize: float, dpi: float) -> Figure:
    fig = plotting.figure([frame.act], options, look)
    fig.suptitle(frame.title, fontsize=fontsize)
    fig.set_dpi(dpi)
    return fig


def fixed_boxes(frames: Sequence[Frame], options, look, fontsize, dpi, progress=None) -> list[Bbox]:
    """The axes' boxes (figure fractions) that fit every frame: constrained
    layout's boxes for each frame, intersected over the frames.

    The layout of a frame depends on its texts alone (the limits, so the
    ticks, are the sweep's): frames whose title and legend differ only in
    their digits, which are all of one width, share a layout, worked out once.
    """
    boxes, seen = None, set()
    for frame in frames:
        fig = _frame_figure(frame, options, look, fontsize, dpi)
        texts = [frame.title, *(text.get_text() for legend in fig.legends for text in legend.get_texts())]
        key = re.sub(r"[0-9]", "0", "\n".join(texts))
        if key not in seen:
            seen.add(key)
            fig.get_layout_engine().execute(fig)
            found = [ax.get_position() for ax in fig.axes]
            boxes = found if boxes is None else [Bbox.intersection(a, b) for a, b in zip(boxes, found)]
        del fig
        _collect()
        if progress:
            progress()
    return boxes


def figures(frames: Sequence[Frame], options: plotting.FigureOptions, look: Look, dpi: float, order: Sequence[int],
            progress: Callable[[], None] | None = None) -> Iterator[Figure]:
    """Each frame's figure, in `order`, on axes fixed for the whole sweep
    (call inside :func:`plotting.theme`). One figure exists at a time."""
    options = sweep_limits([f.act for f in frames], options)
    fontsize = caption_size([f.title for f in frames], options.size[0])
    boxes = fixed_boxes(frames, options, look, fontsize, dpi, progress)
    for index in order:
        fig = _frame_figure(frames[index], options, look, fontsize, dpi)
        fig.set_layout_engine("none")
        for ax, box in zip(fig.axes, boxes):
            ax.set_position(box)
        yield fig
        del fig
        _collect()
        if progress:
            progress()


def _collect() -> None:
    """Free the frames done with. A figure is a web of reference cycles
    (figure, canvas, axes, artists), which only the cyclic collector frees;
    it runs by count of objects, not bytes, and would let dozens of frames'
    renderers (5.8 MB each at 1600×900) pile up. Collecting the young
    generations after each frame keeps a 60-frame 1600×900 GIF at 175 MB,
    not 250, at no measurable cost; a full collection would save 60 MB more
    for 20% more time."""
    gc.collect(1)


def order(count: int, bounce: bool) -> list[int]:
    """The frames' indices forth, and with `bounce` back again (the ends once each)."""
    forth = list(range(count))
    return forth + forth[-2:0:-1] if bounce else forth


def steps(count: int, bounce: bool, fmt: str) -> int:
    """How many steps :func:`write` reports to its `progress`: a layout per
    frame, then a drawing per frame shown (an HTML page bounces by itself)."""
    return count + len(order(count, bounce and fmt != "html"))


def pixel_size(size: tuple[float, float], dpi: float) -> tuple[int, int]:
    """A frame's width and height in pixels, as Agg makes them (rounded down)."""
    return int(size[0] * dpi), int(size[1] * dpi)


def write(path: Path, fmt: str, frames: Sequence[Frame], options: plotting.FigureOptions, look: Look, *,
          dpi: float | None,
          fps: float, loop: bool = True, bounce: bool = False, max_pixels: int = output.MAX_PIXELS,
          progress: Callable[[], None] | None = None) -> tuple[int, int]:
    """Write the animation of `frames` to `path` as `fmt` (gif, mp4, html),
    atomically; return its size in pixels (an MP4's made even). Call inside :func:`plotting.theme`
    (whose savefig.dpi is the default `dpi`).

    Everything that can be refused is refused before a frame is drawn: the
    format, a missing ffmpeg, a frame rate outside (0, 50], a frame over the
    pixel budget.
    """
    dpi = dpi or (mpl.rcParams["figure.dpi"] if mpl.rcParams["savefig.dpi"] == "figure"
                  else mpl.rcParams["savefig.dpi"])
    if fmt not in FORMATS:
        raise ActvizError(f"unknown animation format {fmt!r}; choose from {', '.join(FORMATS)}")
    if not 0 < fps <= MAX_FPS:
        raise ActvizError(f"--fps must lie in (0, {MAX_FPS}]; got {fps:g}")
    ffmpeg = _ffmpeg() if fmt == "mp4" else None
    width, height = pixel_size(options.size, dpi)
    if width * height > max_pixels:
        raise ActvizError(f"a {width}×{height} px frame ({width * height:,} pixels) is over the budget of "
                          f"{max_pixels:,}: lower --dpi or --size, or raise --max-pixels")
    shown = order(len(frames), bounce and fmt != "html")
    drawn = figures(frames, options, look, dpi, shown, progress)
    with output.atomic_path(path) as temp:
        if fmt == "gif":
            _write_gif(temp, drawn, fps, loop)
        elif fmt == "mp4":
            _write_mp4(temp, drawn, fps, ffmpeg, (width, height))
        else:
            _write_html(temp, drawn, fps, "reflect" if bounce else "loop" if loop else "once", dpi,
                        frames[0].act.name)
    return (width + width % 2, height + height % 2) if fmt == "mp4" else (width, height)


def _pixels(fig: Figure) -> np.ndarray:
    """The figure as an (height, width, 4) array of RGBA bytes, drawn by
    Agg at the figure's dpi on its face colour, as a PNG of it would be."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())


def _write_gif(temp: Path, figs: Iterator[Figure], fps: float, loop: bool) -> None:
    """A GIF89a written a frame at a time: the first frame whole, each later
    one as the rectangle that changed, laid over the last ("do not dispose"),
    each with a palette of its own (the 256 colours octree quantisation
    picks, no dithering: flat areas stay flat). No global palette, so no
    frame's colours depend on frames not yet drawn."""
    from PIL import GifImagePlugin, Image

    def quantised(rgba):
        return Image.fromarray(rgba).convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE,
                                                             dither=Image.Dither.NONE)

    delay = max(2, round(100 / fps))  # hundredths of a second
    previous = None
    with open(temp, "wb") as stream:
        for fig in figs:
            rgba = _pixels(fig)
            if previous is None:
                box = (0, 0, rgba.shape[1], rgba.shape[0])
                header, _ = GifImagePlugin.getheader(quantised(rgba), info={
                    "loop": 0 if loop else None, "duration": delay, "optimize": False})
                stream.write(b"".join(header))
            else:
                box = _changed(previous, rgba)
            left, top, right, bottom = box
            stream.write(b"".join(GifImagePlugin.getdata(
                quantised(rgba[top:bottom, left:right]), offset=(left, top), duration=delay * 10, disposal=1,
                include_color_table=True)))
            previous = rgba.copy()
        stream.write(b";")


def _changed(before: np.ndarray, after: np.ndarray) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the pixels that differ between two RGBA
    images (compared as one 32-bit word a pixel); one pixel if none does."""
    differs = before.view(np.uint32)[..., 0] != after.view(np.uint32)[..., 0]
    rows, columns = np.flatnonzero(differs.any(axis=1)), np.flatnonzero(differs.any(axis=0))
    if not rows.size:
        return 0, 0, 1, 1
    return int(columns[0]), int(rows[0]), int(columns[-1]) + 1, int(rows[-1]) + 1


def _ffmpeg() -> str:
    """The ffmpeg program that the video extra's imageio-ffmpeg ships."""
    try:
        import imageio_ffmpeg
    except ImportError:
        raise ActvizError(f"writing .mp4 needs ffmpeg from the video extra: {VIDEO_INSTALL}") from None
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as error:
        raise ActvizError(f"cannot find ffmpeg ({error}); reinstall it: {VIDEO_INSTALL}") from None


def _write_mp4(temp: Path, figs: Iterator[Figure], fps: float, ffmpeg: str, size: tuple[int, int]) -> None:
    """H.264 in an MP4 (yuv420p, which every player plays, wants an even
    width and height: an odd one gets a column or row of padding), the
    frames piped raw to an ffmpeg in a session of its own (a Ctrl-C is
    ours to handle: ffmpeg is ended with the command)."""
    width, height = size
    rate = Fraction(fps).limit_denominator(1001)
    command = [ffmpeg, "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgba", "-s", f"{width}x{height}",
               "-r", str(rate), "-i", "-", "-an", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2",
               # veryfast: a 10-frame look-ahead, so ffmpeg's memory stays below actviz's
               "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p",
               "-movflags", "+faststart", "-fflags", "+bitexact", "-f", "mp4", str(temp)]
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors,
                                   bufsize=0, start_new_session=True)
        try:
            try:
                for fig in figs:
                    process.stdin.write(_pixels(fig))
            except BrokenPipeError:
                pass  # ffmpeg has stopped: its status and message say why
            finally:
                process.stdin.close()
            status = process.wait()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        if status:
            errors.seek(0)
            said = errors.read().decode(errors="replace").strip().splitlines()
            raise ActvizError(f"ffmpeg could not write the video (status {status}): "
                              f"{said[-1] if said else 'no message'}")


def _write_html(temp: Path, figs: Iterator[Figure], fps: float, mode: str, dpi: float, title: str) -> None:
    """A whole HTML page around matplotlib's JavaScript player (what
    ``Animation.to_jshtml`` makes), the frames as embedded PNGs; it plays
    at once. matplotlib names the player's elements with a random id: here
    the id is a hash of the rest of the page, so the same sweep gives the
    same page."""
    from matplotlib.animation import HTMLWriter
    figs = iter(figs)
    first = next(figs)
    player = HTMLWriter(fps=fps, embed_frames=True, default_mode=mode, embed_limit=math.inf)
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "player.html"
        player.setup(first, page, dpi)
        for fig in itertools.chain([first], figs):
            player.fig = fig
            player.grab_frame(metadata=plotting._METADATA["png"])
        player.finish()
        body = page.read_text()
    body = re.sub(r'<link rel="stylesheet"\s+href="https?://[^"]*font-awesome[^"]*">', "", body)
    random_id = player_id(body)
    stable_id = hashlib.sha256(body.replace(random_id, "").encode()).hexdigest()[:32]
    temp.write_text(HTML_PAGE.format(title=html.escape(title), player=body.replace(random_id, stable_id),
                                     id=stable_id), encoding="utf-8")


def player_id(body: str) -> str:
    """The id matplotlib gave the player's elements (`_anim_img<id>`)."""
    start = body.index('id="_anim_img') + len('id="_anim_img')
    return body[start:body.index('"', start)]


HTML_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="actviz animate">
<title>{title}</title>
<style>
  body {{ margin: 1em; }}
  .animation img {{ max-width: 100%; height: auto; }}
  /* The player's buttons draw Font Awesome icons from a CDN; these glyphs
     stand in for them, so that the page needs no network. */
  .anim-buttons i.fa {{ font-style: normal; display: inline-block; }}
  .fa-minus::before {{ content: "\2212"; }}
  .fa-plus::before {{ content: "+"; }}
  .fa-fast-backward::before {{ content: "\23EE"; }}
  .fa-step-backward::before {{ content: "\25C1"; }}
  .fa-play::before {{ content: "\25B6"; }}
  .fa-pause::before {{ content: "\23F8"; }}
  .fa-step-forward::before {{ content: "\25B7"; }}
  .fa-fast-forward::before {{ content: "\23ED"; }}
  .fa-flip-horizontal {{ transform: scaleX(-1); }}
</style>
</head>
<body>
{player}
<script>
  window.addEventListener("load", function () {{
    setTimeout(function () {{ anim{id}.play_animation(); }}, 0);
  }});
</script>
</body>
</html>
"""
