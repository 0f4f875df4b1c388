"""The committed gallery/: every function, the comparisons and the teaching
figures, drawn in worker processes, indexed, and checked against the registry.

Everything here is derived from the registry, so a new function appears in
the gallery (and `--check` asks for it) as soon as it is registered.

A gallery folder is the user's folder too. Its index.json lists every file
the gallery wrote (the manifest), and nothing that is not listed there is
ever overwritten or deleted. The workers only draw: they send the files'
bytes to the main process, which alone writes, so that ending a worker at
any moment can damage nothing.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import multiprocessing
import os
import signal
from contextlib import closing, contextmanager
from dataclasses import dataclass
from multiprocessing import resource_tracker
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import output
from .analysis import DEFAULT_THRESHOLD, right_hand_side
from .functions import GATED, REGISTRY, VECTOR, ActvizError, get
from .look import Look
from .teaching import LESSONS

GALLERY_DPI = 100
DEFAULT_FORMATS = ("png", "svg")  # the committed gallery's
COMPARISONS = {
    "compare-saturating": ("sigmoid", "tanh"),
    "compare-relu-family": ("relu", "leaky_relu", "prelu", "elu", "selu"),
    "compare-smooth-relus": ("gelu", "silu", "mish", "softplus"),
    "compare-hard": ("hardtanh", "relu6", "hardsigmoid", "hardswish", "hardshrink", "softshrink"),
}
TEACHING = tuple(lesson.gallery_stem for lesson in LESSONS)
# The animation the README shows: leaky ReLU's slope swept from 0 (ReLU, dead
# for x < 0) to 0.3, forth and back, small enough to sit in a README.
SWEEP = ("leaky_relu", "negative_slope", tuple(round(0.02 * i, 2) for i in range(16)))
SWEEP_FPS = 8
# The explorer page of the whole registry (`--html`) offers fewer stops per
# slider than a page of a few functions (explorer.STOPS): 2.3 MB, not 16.
PAGE_GRID = {0: 1, 1: 5, 2: 3, 3: 2}
INDEX, README = "index.json", "README.md"
GENERATOR = "actviz gallery"
SIMPLEX_SUFFIX = "-3-classes"  # a vector function's figure: three classes on the simplex, with ‖J‖₂


@dataclass(frozen=True)
class Job:
    """One figure of the gallery, written once per format; or the animation
    (kind "animation", one GIF) or the explorer page (kind "page", one HTML file)."""

    stem: str
    names: tuple[str, ...] = ()
    kind: str = "figure"

    def files(self, formats: Iterable[str]) -> list[str]:
        suffixes = {"figure": tuple(formats), "animation": ("gif",), "page": ("html",)}[self.kind]
        return [f"{self.stem}.{suffix}" for suffix in suffixes]


def jobs(html: bool = False) -> list[Job]:
    """With `html` the explorer page, the animation and every figure, in the
    order they are drawn and the index lists them: the longest first, so
    that the workers finish together."""
    return ([Job("explorer", tuple(REGISTRY), "page")] * html
            + [Job(f"{SWEEP[0]}-sweep", (SWEEP[0],), "animation")]
            + [Job(name, (name,)) for name in REGISTRY]
            + [Job(name) for name in GATED]
            + [Job(f"{name}{SIMPLEX_SUFFIX}", (name,)) for name in VECTOR]
            + [Job(stem, names) for stem, names in COMPARISONS.items()]
            + [Job("compare-all", tuple(REGISTRY))]
            + [Job(stem) for stem in TEACHING])


def _figure(job: Job, look: Look = Look()):
    from . import plotting
    if job.stem in REGISTRY:
        return plotting.figure([get(job.stem)], plotting.FigureOptions(derivative=True), look)
    if job.stem in GATED:
        from . import surface
        return surface.figure(get(job.stem), surface.SurfaceOptions(derivative=True, gate=True), look)
    if job.stem.endswith(SIMPLEX_SUFFIX):
        from . import simplex
        return simplex.figure([get(job.names[0])], jacobian=True, look=look)
    if job.stem == "compare-all":
        size = (16.0, 9.0)
        return plotting.figure([get(n) for n in job.names],
                               plotting.FigureOptions(derivative=True, layout="grid", size=size), look)
    if job.names:
        return plotting.figure([get(n) for n in job.names], plotting.FigureOptions(derivative=True, layout="grid"),
                               look)
    lesson = next((lesson for lesson in LESSONS if lesson.gallery_stem == job.stem), None)
    if lesson is None:
        raise ActvizError(f"unknown gallery figure {job.stem!r}")
    return lesson.gallery_figure(look)


def fingerprint(fig) -> str:
    """A hash of what `fig` shows, not of the bytes a renderer makes of it.

    It covers the figure's size, each axes' limits and scales, every line's
    (x, y) data, marker and line style, every patch's and collection's
    vertices (shading, contours, table cells) and offsets (markers), and
    every text with its anchor; numbers rounded to 6 significant digits, so
    that a new matplotlib, FreeType or numpy changes no fingerprint unless
    the figure itself changes. Ticks, spines and legend boxes are left out:
    matplotlib places them as it draws. Take it before the figure is drawn
    (drawing fills in the tick labels).
    """
    import numpy as np
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.collections import Collection
    from matplotlib.legend import Legend
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.spines import Spine
    from matplotlib.table import Cell
    from matplotlib.text import Text

    digest = hashlib.sha256()

    def put(kind, *parts):
        digest.update(kind.encode())
        for part in parts:
            if isinstance(part, str):
                digest.update(b"|" + part.encode())
            else:
                numbers = np.asarray(part, dtype=float).ravel() + 0.0  # + 0.0: -0 and 0 alike
                digest.update(("|" + " ".join(f"{v:.6g}" for v in numbers)).encode())
        digest.update(b"\n")

    def visit(artist):
        if isinstance(artist, (Axis, Spine)):
            return
        if isinstance(artist, Legend):
            put("legend", *(text.get_text() for text in artist.get_texts()), artist.get_title().get_text())
            return
        if isinstance(artist, Axes):
            put("axes", artist.get_xlim(), artist.get_ylim(), artist.get_xscale(), artist.get_yscale())
        elif isinstance(artist, Line2D):
            put("line", artist.get_xydata(), str(artist.get_marker()), str(artist.get_linestyle()))
        elif isinstance(artist, Patch):
            put("patch", artist.get_patch_transform().transform(artist.get_path().vertices),
                *([artist.get_text().get_text()] if isinstance(artist, Cell) else []))
        elif isinstance(artist, Collection):
            put("collection", *(path.vertices for path in artist.get_paths()), artist.get_offsets())
        elif isinstance(artist, Text) and artist.get_text():
            put("text", artist.get_text(), artist.get_position(), getattr(artist, "xy", ()))
        for child in artist.get_children():
            visit(child)

    put("figure", fig.get_size_inches())
    visit(fig)
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Drawing:
    """One job drawn: what it shows, and its file's bytes in each format."""

    job: Job
    fingerprint: str
    files: dict[str, bytes]


def draw(job: Job, formats: Iterable[str], theme: str = "light", lang: str = "en") -> Drawing:
    """Draw one job (no file is written); with no formats, only its fingerprint."""
    from . import plotting
    look = Look(theme, lang)
    if job.kind == "animation":
        return _draw_sweep(job, bool(formats), look)
    if job.kind == "page":
        return _draw_page(job, bool(formats), look)
    fig = _figure(job, look)
    return Drawing(job, fingerprint(fig), {fmt: plotting.render(fig, fmt, dpi=GALLERY_DPI, look=look)
                                           for fmt in formats})


def _draw_sweep(job: Job, write: bool, look: Look) -> Drawing:
    """The README's animation: its fingerprint is that of its frames, each
    taken as :func:`fingerprint` takes a figure's."""
    import tempfile
    from . import animation, plotting
    name, key, values = SWEEP
    frames = animation.sweep_frames(name, key, values, {})
    options = plotting.FigureOptions(derivative=True)
    shown = animation.order(len(frames), bounce=True)
    with plotting.styled(look):
        digest = hashlib.sha256(" ".join(fingerprint(fig) for fig in animation.figures(
            frames, options, look, GALLERY_DPI, shown)).encode()).hexdigest()[:16]
        if not write:
            return Drawing(job, digest, {})
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "sweep.gif"
            animation.write(path, "gif", frames, options, look, dpi=GALLERY_DPI, fps=SWEEP_FPS, bounce=True)
            return Drawing(job, digest, {"gif": path.read_bytes()})


def _draw_page(job: Job, write: bool, look: Look) -> Drawing:
    """The explorer page of every function; its fingerprint is a hash of
    what it shows (the arrays before compression, which zlib versions may
    pack differently)."""
    from . import explorer
    data, arrays = explorer.contents([get(name) for name in job.names], grid=PAGE_GRID)
    shown = hashlib.sha256((json.dumps(data) + arrays.digest()).encode()).hexdigest()[:16]
    if not write:
        return Drawing(job, shown, {})
    text = explorer.render(data, arrays, theme=look.theme, title="actviz: every function")
    return Drawing(job, shown, {"html": text.encode()})


def _worker(connection, formats, theme, lang):
    """Draw each job the main process sends until it sends None or goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C reaches the whole process group: the main process decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the main process ends a worker with SIGTERM, at once
    signal.pthread_sigmask(signal.SIG_UNBLOCK, output.SIGNALS)
    try:
        while (job := connection.recv()) is not None:
            try:
                connection.send(draw(job, formats, theme, lang))
            except Exception as error:
                connection.send(ActvizError(f"cannot draw {job.stem}: {error}"))
    except (EOFError, BrokenPipeError):
        pass


def drawings(todo: list[Job], formats: Iterable[str], theme: str = "light", lang: str = "en",
             workers: int | None = None) -> Iterator[Drawing]:
    """Draw every job, in `workers` processes (default: one per core), and
    yield each drawing as it is done. Close the iterator (or exhaust it) to
    end the workers; they are ended with SIGTERM, so an error, Ctrl-C or a
    SIGTERM to the main process stops them at once.

    Each worker imports matplotlib once and draws many figures, which is
    what makes the gallery cheap (one process per figure would pay the
    import every time). Workers are started fresh ("spawn"): they inherit no
    open files (such as the folder's lock) and no signal handlers.
    """
    formats = tuple(formats)
    workers = min(workers or os.cpu_count() or 1, len(todo))
    if workers <= 1:
        for job in todo:
            yield draw(job, formats, theme, lang)
        return
    context = multiprocessing.get_context("spawn")
    pool = {}  # the main process's end of each worker's pipe → [process, job it is drawing]
    # The figures of most functions first (compare-all takes a quarter of the
    # gallery's time): started last, one would leave the other worker idle.
    queue = sorted(reversed(todo), key=lambda job: len(job.names))
    # multiprocessing starts its resource tracker with the first worker and
    # then unblocks SIGINT and SIGTERM, which would let that worker start with
    # them unblocked: start the tracker first.
    resource_tracker.ensure_running()
    try:
        with output.signals_held():  # workers start with the signals held, until they have set them up
            for _ in range(workers):
                ours, theirs = context.Pipe()
                process = context.Process(target=_worker, args=(theirs, formats, theme, lang), daemon=True)
                process.start()
                theirs.close()
                pool[ours] = [process, None]
        for connection, slot in pool.items():
            slot[1] = queue.pop() if queue else None
            connection.send(slot[1])
        while any(job for _, job in pool.values()):
            busy = {connection: slot for connection, slot in pool.items() if slot[1]}
            # Wake up now and then: a signal delivered to another thread (numpy's
            # BLAS threads) has its handler run only once this thread wakes.
            ready = wait([*busy, *(process.sentinel for process, _ in busy.values())], timeout=0.2)
            output.stop_if_interrupted()
            for connection, slot in busy.items():
                process, job = slot
                if connection not in ready:
                    if process.sentinel in ready:
                        raise ActvizError(f"the process drawing {job.stem} died (exit status {process.exitcode})")
                    continue
                result = connection.recv()
                if isinstance(result, ActvizError):
                    raise result
                slot[1] = queue.pop() if queue else None
                connection.send(slot[1])
                yield result
    except (EOFError, BrokenPipeError):
        raise ActvizError("a drawing process died unexpectedly") from None
    finally:
        with output.signals_held():
            for process, _ in pool.values():
                process.terminate()
            for process, _ in pool.values():
                process.join(1.0)
                if process.is_alive():
                    process.kill()
                    process.join()


@contextmanager
def _locked(folder: Path, exclusive: bool):
    """Hold a lock on `folder` itself (flock on the directory, so no lock file
    is left anywhere): one run writes a gallery at a time, and --check does
    not read one half-written. A second run does not wait; it fails at once."""
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise _unopenable(folder, error) from None
    try:
        try:
            fcntl.flock(handle, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ActvizError(f"another `actviz gallery` is writing {folder}; try again when it has finished") from None
        yield
    finally:
        os.close(handle)


def _unopenable(folder: Path, error: OSError) -> ActvizError:
    return ActvizError(f"cannot open the folder {str(folder)!r}: {(error.strerror or '').lower()}")


def _plain(name) -> bool:
    return isinstance(name, str) and name == Path(name).name and not name.startswith(".")


def read_index(folder: Path) -> dict | None:
    """The folder's index.json (the gallery's manifest and what each figure
    showed), or None when there is none. An index.json that actviz did not
    write (or that lists anything but plain names in this folder) is an error:
    the gallery will not touch that folder's files."""
    try:
        index = json.loads((folder / INDEX).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        index = None
    if not (isinstance(index, dict) and index.get("generator") == GENERATOR and isinstance(index.get("files"), dict)
            and all(_plain(name) for name in index["files"])):
        raise ActvizError(f"{folder / INDEX} was not written by `actviz gallery`; "
                          "move it away (the gallery touches only files it made)")
    return index


def _write_index(folder: Path, theme: str, lang: str, entries: dict) -> None:
    """index.json with one line per file, so that a figure that changes is a one-line diff."""
    head = json.dumps({"generator": GENERATOR, "theme": theme, "lang": lang})[:-1]
    files = ",\n".join(f" {json.dumps(name)}: {json.dumps(entry)}" for name, entry in entries.items())
    output.write_atomic(folder / INDEX, f'{head}, "files": {{\n{files}\n}}}}\n'.encode())


def expected_files(formats: Iterable[str], html: bool = False) -> list[str]:
    return [name for job in jobs(html) for name in job.files(formats)] + [README]


def _measure(data: bytes, suffix: str, decode: bool = False) -> tuple[list[float], str]:
    """A file's size as the index records it: a figure's width and height,
    a page's length in bytes (a page cut short does not end with </html>)."""
    if suffix == "html":
        if not data.rstrip().endswith(b"</html>"):
            raise ValueError("is truncated (it does not end with </html>)")
        return [len(data)], "bytes"
    width, height, unit = output.figure_size(data, suffix, decode=decode)
    return [width, height], unit


def build(out: Path, formats: tuple[str, ...] = DEFAULT_FORMATS, theme: str = "light", workers: int | None = None,
          lang: str = "en", force: bool = False, progress: Callable[[Job], None] | None = None,
          html: bool = False) -> None:
    """Regenerate the gallery in `out`: every figure, the animation, with
    `html` the explorer page, README.md, and index.json.

    Only files listed in the old index are overwritten or deleted (those
    that are no figure any more). A folder that holds files but no index
    is refused unless `force`; even then none of its files is touched, and
    a file in the way of a gallery file is an error. The new names go into
    the index before any figure is written, so that a run stopped half-way
    leaves no file the next run does not know as its own.
    """
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ActvizError(f"cannot make the folder {str(out)!r}: {(error.strerror or '').lower()}") from None
    with _locked(out, exclusive=True):
        index = read_index(out)
        if index is None and any(out.iterdir()) and not force:
            raise ActvizError(f"{out} is not empty and holds no gallery (no {INDEX}): choose another --out, "
                              "or add --force to put a gallery beside its files, which stay untouched")
        entries = index["files"] if index else {}
        wanted = expected_files(formats, html)
        foreign = [name for name in wanted if name not in entries and os.path.lexists(out / name)]
        if foreign:
            raise ActvizError(f"{out / foreign[0]} is in the way and was not made by `actviz gallery`; "
                              "move it away" + (f" (and {len(foreign) - 1} more)" if len(foreign) > 1 else ""))
        if index is None or set(wanted) - set(entries):
            _write_index(out, theme, lang, {**entries, **{name: None for name in wanted if name not in entries}})
        written = {}
        with closing(drawings(jobs(html), formats, theme, lang, workers)) as done:
            for drawing in done:
                for fmt, data in drawing.files.items():
                    name = f"{drawing.job.stem}.{fmt}"
                    output.write_atomic(out / name, data)
                    size, unit = _measure(data, fmt)
                    written[name] = {"size": size, "unit": unit, "fingerprint": drawing.fingerprint}
                if progress:
                    progress(drawing.job)
        with output.signals_held():
            for stale in sorted(set(entries) - set(wanted)):
                output.remove(out / stale)
            output.write_atomic(out / README, readme(formats, html).encode())
            _write_index(out, theme, lang, {name: written.get(name, {}) for name in wanted})


def check(out: Path, formats: tuple[str, ...] = DEFAULT_FORMATS, theme: str = "light", lang: str = "en",
          workers: int | None = None, html: bool = False) -> list[str]:
    """What is wrong with the gallery in `out`, one sentence each (empty: nothing).

    Every file the index lists must be there, decode whole at the size the
    index records, and show what the figure shows when it is drawn now (its
    fingerprint, rebuilt without writing anything); README.md must match the
    registry.
    """
    try:
        if not out.is_dir():
            return [f"{out} does not exist"]
    except OSError as error:  # a name too long, say: is_dir() only absorbs "no such file"
        raise _unopenable(out, error) from None
    with _locked(out, exclusive=False):
        index = read_index(out)
        if index is None:
            return [f"{out} holds no gallery (no {INDEX})"]
        entries = index["files"]
        problems = [f"made with --{key} {index.get(key)}, not {value}"
                    for key, value in (("theme", theme), ("lang", lang)) if index.get(key) != value]
        wanted = expected_files(formats, html)
        present = {name for name in entries if (out / name).is_file()}
        problems += [f"missing: {name}" for name in wanted if name not in present]
        problems += [f"stale (no such figure any more): {name}" for name in sorted(present - set(wanted))]
        if README in present and (out / README).read_text(encoding="utf-8") != readme(formats, html):
            problems.append(f"{README} disagrees with the registry")
        figures = [name for name in wanted if name in present and name != README]
        for name in figures:
            entry = entries[name]
            if not entry:
                problems.append(f"incomplete: {name} (a run was stopped before it finished)")
                continue
            try:
                size, unit = _measure((out / name).read_bytes(), Path(name).suffix[1:], decode=True)
            except ValueError as error:
                problems.append(f"damaged: {name} {error}")
                continue
            if size != entry.get("size") or unit != entry.get("unit"):
                problems.append(f"damaged: {name} is {'×'.join(f'{v:g}' for v in size)} {unit}, the index says "
                                f"{'×'.join(f'{v:g}' for v in entry.get('size', []))} {entry.get('unit')}")
        with closing(drawings(jobs(html), (), theme, lang, workers)) as redrawn:
            shown = {drawing.job.stem: drawing.fingerprint for drawing in redrawn}
        problems += [f"outdated: {name} (the figure is drawn differently now)" for name in figures
                     if entries[name] and entries[name].get("fingerprint") != shown[name.rsplit(".", 1)[0]]]
        return problems


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def readme(formats: tuple[str, ...] = DEFAULT_FORMATS, html: bool = False) -> str:
    """gallery/README.md: the animation (and with `html` a link to the
    explorer page), then a thumbnail, the formulas and the PyTorch equivalent
    of each function, then the comparisons and teaching figures."""
    picture = "png" if "png" in formats else formats[0]
    name, key, values = SWEEP
    lines = [
        "# actviz gallery",
        "",
        "Regenerated by `actviz gallery" + " --html" * html + "` (checked by `actviz gallery --check"
        + " --html" * html + "` in the tests); do not edit.",
        f"Each figure shows f (solid), f′ (dashed) and the regions where |f′| < {DEFAULT_THRESHOLD:g} (shaded).",
        "",
        f"![{name} as {key} goes from {values[0]:g} to {values[-1]:g} and back]({name}-sweep.gif)",
        "",
        f"Made by `actviz animate {name} -p {key}={values[0]:g}:{values[-1]:g}:{len(values)} -d --bounce "
        f"--fps {SWEEP_FPS} --dpi {GALLERY_DPI}`.",
        "",
        *(["Every function, with a slider per parameter, on one interactive page: [explorer.html](explorer.html) "
           "(download it and open it in a browser; it works offline).", ""] if html else []),
        "| figure | function | f(x) | f′(x) | PyTorch |",
        "|---|---|---|---|---|",
    ]
    for name, spec in REGISTRY.items():
        act = get(name)
        formula, derivative = right_hand_side(spec.text), right_hand_side(spec.dtext)
        lines.append(f'| <img src="{name}.{picture}" width="220" alt="{name}"> | **{name}** | '
                     f"`{_cell(formula)}` | `{_cell(derivative)}` | {_cell(act.torch) if act.torch else '—'} |")
    lines += ["", "## Gated functions", "",
              "f(a, b) = a·g(b), a the first half of the input and b the second (PyTorch's F.glu): the map of f,",
              "∂f/∂a and ∂f/∂b over (a, b), and the gate g(b) beside them.", ""]
    for name, spec in GATED.items():
        lines += [f"### {name}", "", f"`{_cell(spec.text)}`", "", f"![{name}]({name}.{picture})", ""]
    lines += ["", "## Vector functions: three classes on the simplex", ""]
    for name in VECTOR:
        lines += [f"### {name}", "", f"![{name}]({name}{SIMPLEX_SUFFIX}.{picture})", ""]
    lines += ["## Comparisons", ""]
    for stem in [*COMPARISONS, "compare-all"]:
        lines += [f"### {stem.removeprefix('compare-').replace('-', ' ')}", "", f"![{stem}]({stem}.{picture})", ""]
    lines += ["## Teaching figures", ""]
    for stem in TEACHING:
        lines += [f"### {stem.removeprefix('teach-')}", "", f"![{stem}]({stem}.{picture})", ""]
    return "\n".join(lines)
