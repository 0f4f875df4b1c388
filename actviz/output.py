"""Figure files written safely: nothing half-written, nothing clobbered, no
temporary file left behind. The figure arrives as bytes (matplotlib is needed
only to decode a PNG when a gallery is checked).

A figure is rendered into memory first, where a signal may stop it at any
moment. Only then are its bytes written, to a short-named temporary file
beside the target that is renamed over the target once complete, with
SIGINT and SIGTERM held back for those few milliseconds: an error or a signal
leaves either the old file or the new one, whole, and nothing else.
"""
from __future__ import annotations

import io
import math
import os
import re
import signal
import stat
import struct
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from .functions import ActvizError

FORMATS = ("png", "svg", "pdf")   # drawn by matplotlib
PLOT_FORMATS = (*FORMATS, "tex")  # `actviz plot` also writes pgfplots code (actviz/pgfplots.py)
# The raster budget: 100 megapixels is a 10000 × 10000 px image, ~400 MB while
# it is drawn; a typo such as --dpi 1200 --size 50x50 (3600 megapixels) asks
# for 14 GB and minutes. `--max-pixels` lifts it.
MAX_PIXELS = 100_000_000
SIGNALS = {signal.SIGINT, signal.SIGTERM}


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived: unwind (a file being written is finished or
    never appears, worker processes are ended) and exit with 128 + the signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


_received: list[int] = []


def _on_signal(signum, frame):
    for number in SIGNALS:  # one "Interrupted." however often the key is pressed
        signal.signal(number, signal.SIG_IGN)
    _received.append(signum)
    raise Interrupted(signum)


def stop_if_interrupted():
    """Raise Interrupted if a signal has arrived, even though the exception
    its handler raised may have been swallowed on the way: C code that clears
    errors (a module being imported, for one) does that."""
    if _received:
        raise Interrupted(_received[0])


@contextmanager
def interruptible():
    """Within the block SIGINT and SIGTERM raise Interrupted (in the main
    thread; elsewhere signals cannot be handled). An error that escapes the
    block after a signal is reported as the interruption it stems from."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _received.clear()
    previous = {number: signal.signal(number, _on_signal) for number in SIGNALS}
    unraisable = sys.unraisablehook
    sys.unraisablehook = _quietly_interrupted(unraisable)
    try:
        yield
    except Exception:
        stop_if_interrupted()
        raise
    else:
        stop_if_interrupted()
    finally:
        sys.unraisablehook = unraisable
        if not _received:  # after a signal they stay ignored until the process exits
            for number, handler in previous.items():
                signal.signal(number, handler)


def _quietly_interrupted(report):
    """An unraisablehook that drops an Interrupted raised where Python can
    only print it (a weakref callback or __del__ run by the garbage
    collector): stop_if_interrupted raises it again where it can unwind."""
    def hook(unraisable):
        if not isinstance(unraisable.exc_value, Interrupted):
            report(unraisable)
    return hook


@contextmanager
def signals_held():
    """Hold SIGINT and SIGTERM back while the block runs; one that arrived
    meanwhile is delivered (its handler runs) as the block ends."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _failure(path: Path, error: OSError) -> ActvizError:
    reason = (error.strerror or os.strerror(error.errno or 0)).lower()
    return ActvizError(f"cannot write {str(path)!r}: {reason}")


def target(path: str | os.PathLike, formats: tuple[str, ...] = FORMATS) -> tuple[Path, str]:
    """Check that a figure can go to `path` before any work is done;
    return the path and its format (from the suffix, one of `formats`)."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in formats:
        suffixes = ", ".join(f".{f}" for f in formats[:-1]) + f" or .{formats[-1]}"
        raise ActvizError(f"cannot write {path.name!r}: the suffix must be {suffixes}")
    folder = path.parent
    length = len(os.fsencode(path.name))
    try:
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except OSError:  # no such folder: said below
        limit = math.inf
    if length > limit:
        raise ActvizError(f"cannot write {str(path)!r}: the file name is {length} bytes, "
                          f"longer than this file system allows ({limit})")
    try:
        if not folder.is_dir():
            raise ActvizError(f"cannot write {str(path)!r}: folder {str(folder)!r} does not exist")
        if path.is_dir():
            raise ActvizError(f"cannot write {str(path)!r}: it is a folder")
    except OSError as error:
        raise _failure(path, error) from None
    return path, fmt


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` by a file holding `data`, all at once.

    A new file gets the mode the umask allows (0o666 less the umask, as any
    program's); a file that is replaced keeps its mode.
    """
    with signals_held():
        stop_if_interrupted()
        try:
            mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else None
            temp, handle = _new_temporary(path)
            try:
                with open(handle, "wb") as stream:
                    stream.write(data)
                    if mode is not None:
                        os.fchmod(stream.fileno(), mode)
                os.replace(temp, path)
            except BaseException:
                temp.unlink(missing_ok=True)
                raise
        except OSError as error:
            raise _failure(path, error) from None


def _new_temporary(path: Path) -> tuple[Path, int]:
    """A new, empty temporary file beside `path`, and its open descriptor."""
    while True:
        # 20 bytes: a legal 255-byte target name does not make the temporary name illegal.
        temp = path.parent / f".actviz-{os.urandom(4).hex()}.tmp"
        try:
            return temp, os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue


@contextmanager
def atomic_path(path: Path):
    """A temporary file beside `path` to fill, piece by piece, within the
    block; renamed over `path` when the block ends, deleted if it raises.

    For a file too large to hold in memory before it is written (an
    animation's frames go to it one at a time). The work inside the block
    may take minutes, so signals are held back only while the file is made
    and while it is renamed: a signal in between stops the work, and the
    temporary file goes with it. Modes and errors are as for
    :func:`write_atomic`.
    """
    temp = None
    try:
        with signals_held():
            stop_if_interrupted()
            mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else None
            temp, handle = _new_temporary(path)
            os.close(handle)
        yield temp
        with signals_held():
            if mode is not None:
                os.chmod(temp, mode)
            os.replace(temp, path)
            temp = None
    except OSError as error:
        raise _failure(path, error) from None
    finally:
        if temp is not None:
            with signals_held():
                temp.unlink(missing_ok=True)


def remove(path: Path) -> None:
    """Delete `path` (gone already is fine), as one clear error if it cannot be."""
    try:
        path.unlink(missing_ok=True)
    except OSError as error:
        raise ActvizError(f"cannot remove {str(path)!r}: {(error.strerror or '').lower()}") from None


_SVG_LENGTH = re.compile(r"([0-9.]+)pt")
_PDF_MEDIABOX = re.compile(rb"/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]")


def figure_size(data: bytes, fmt: str, *, decode: bool = False) -> tuple[float, float, str]:
    """(width, height, unit) of a figure file's bytes: pixels for PNG and
    GIF, points for SVG and PDF. Raises ValueError, saying what is wrong, when the bytes
    are not a whole file of that format.

    An SVG must parse as XML and a PDF end with %%EOF; a PNG's size is read
    from its IHDR header, and `decode` also decompresses every pixel, so
    that a truncated or corrupted PNG is caught too.
    """
    if fmt == "png":
        if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
            raise ValueError("is not a PNG file")
        width, height = struct.unpack(">II", data[16:24])
        if decode:
            from matplotlib.image import imread
            try:
                pixels = imread(io.BytesIO(data), format="png")
            except Exception as error:  # PIL's errors for a damaged file share no base class
                raise ValueError(f"cannot be decoded ({error})") from None
            if pixels.shape[:2] != (height, width):
                raise ValueError(f"decodes to {pixels.shape[1]}×{pixels.shape[0]} px")
        return float(width), float(height), "px"
    if fmt == "svg":
        import xml.etree.ElementTree as ET
        try:
            root = ET.fromstring(data)
        except ET.ParseError as error:
            raise ValueError(f"is not well-formed XML ({error})") from None
        sizes = [_SVG_LENGTH.fullmatch(root.get(key, "")) for key in ("width", "height")]
        if not root.tag.endswith("svg") or not all(sizes):
            raise ValueError("has no <svg> element with a width and height in pt")
        return float(sizes[0][1]), float(sizes[1][1]), "pt"
    if fmt == "gif":
        if data[:6] not in (b"GIF87a", b"GIF89a"):
            raise ValueError("is not a GIF file")
        if decode and not data.endswith(b";"):
            raise ValueError("is truncated (it does not end with the GIF trailer)")
        width, height = struct.unpack("<HH", data[6:10])
        return float(width), float(height), "px"
    if fmt == "pdf":
        box = _PDF_MEDIABOX.search(data)
        if not data.startswith(b"%PDF-") or not box:
            raise ValueError("is not a PDF file")
        if not data.rstrip().endswith(b"%%EOF"):
            raise ValueError("is truncated (it does not end with %%EOF)")
        return float(box[1]), float(box[2]), "pt"
    raise ValueError(f"has an unknown format {fmt!r}")


def describe(path: Path, size: tuple[float, float, str]) -> str:
    """'relu.png (1600×900 px)'."""
    width, height, unit = size
    return f"{path} ({width:g}×{height:g} {unit})"
