"""Real signals sent to real `python -m actviz` processes, at several moments.

Every case asserts what a user sees: exit status 130 (SIGINT) or 143
(SIGTERM), the one line "Interrupted." on stderr and no traceback, no
temporary file left, every figure present whole (it decodes), every file
that was there before byte-identical, and no process of the command's
process group still running. Moments are found by polling (the signal
handlers installed, the first figure on disk); where a delay picks the
moment (while `plot` draws), either outcome is checked, so that a fast or a
loaded machine cannot make a test flaky. Every wait is generous.
"""
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import actviz
from actviz import output

SIGNALS = {"ids": lambda value: value.name if isinstance(value, signal.Signals) else None}

TIMEOUT = 180
MINE = {"holiday.png": b"my holiday", "thesis.pdf": b"my thesis", "notes.svg": b"<svg/>"}


def start(*args, cwd):
    """actviz in a session of its own, so that its process group is what a terminal's Ctrl-C reaches."""
    return subprocess.Popen([sys.executable, "-m", "actviz", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def until(condition, what, process):
    deadline = time.monotonic() + TIMEOUT
    while not (found := condition()):
        if process.poll() is not None:
            raise AssertionError(f"actviz ended (status {process.returncode}) before {what}: {process.stderr.read()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)
    return found


def handlers_installed(process):
    """Whether actviz catches SIGTERM yet (Python itself catches only SIGINT at start-up)."""
    try:
        status = Path(f"/proc/{process.pid}/status").read_text()
    except OSError:
        return False
    return int(re.search(r"SigCgt:\s*([0-9a-f]+)", status)[1], 16) >> (signal.SIGTERM - 1) & 1


def group(pgid):
    """The live processes (not zombies) of process group `pgid`."""
    members = []
    for entry in Path("/proc").iterdir():
        try:
            state, _, pgrp = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, ValueError):
            continue
        if int(pgrp) == pgid and state != "Z":
            members.append(int(entry.name))
    return members


def send(process, signum, to_group):
    (os.killpg if to_group else os.kill)(process.pid, signum)


def assert_group_ends(process):
    deadline = time.monotonic() + TIMEOUT
    while group(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert group(process.pid) == [], "a worker process outlived the command"


def assert_interrupted(process, signum):
    _, stderr = process.communicate(timeout=TIMEOUT)
    assert_group_ends(process)
    assert (process.returncode, stderr) == (128 + signum, "Interrupted.\n")


def figures(folder):
    return [p for p in folder.iterdir() if p.suffix in (".png", ".svg", ".pdf")]


def assert_whole(folder, before):
    """No temporary file; every figure decodes; what was there before is byte-identical."""
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []
    for path in (p for p in figures(folder) if p.name not in before):
        output.figure_size(path.read_bytes(), path.suffix[1:], decode=True)
    assert {name: (folder / name).read_bytes() for name in before} == before


def a_folder_of_ones_own(tmp_path):
    folder = tmp_path / "pics"
    folder.mkdir()
    for name, data in MINE.items():
        (folder / name).write_bytes(data)
    return folder


def assert_every_gallery_file_is_in_the_index(folder):
    index = folder / "index.json"
    listed = set(json.loads(index.read_text())["files"]) if index.exists() else set()
    assert {p.name for p in figures(folder)} - set(MINE) <= listed


# --------------------------------------------------------------------------- plot

def plot(tmp_path):
    """A big figure (every function, about 50 megapixels), over an existing file."""
    (tmp_path / "all.png").write_bytes(b"an old figure")
    return start("plot", *actviz.names(), "--grid", "-d", "--dpi", "400", "-o", "all.png", cwd=tmp_path)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], **SIGNALS)
def test_a_signal_as_plot_starts(tmp_path, signum):
    process = plot(tmp_path)
    until(lambda: handlers_installed(process), "actviz to start", process)
    send(process, signum, to_group=True)
    assert_interrupted(process, signum)
    assert_whole(tmp_path, {"all.png": b"an old figure"})


@pytest.mark.slow
@pytest.mark.parametrize("delay,signum", [(0.5, signal.SIGTERM), (2.0, signal.SIGINT), (4.0, signal.SIGTERM)],
                         **SIGNALS)
def test_a_signal_at_other_moments_of_plot(tmp_path, delay, signum):
    process = plot(tmp_path)
    until(lambda: handlers_installed(process), "actviz to start", process)
    time.sleep(delay)
    if process.poll() is None:
        send(process, signum, to_group=False)
        assert_interrupted(process, signum)
        assert_whole(tmp_path, {"all.png": b"an old figure"})
    else:  # the figure was done first: then it is whole, and the only file
        assert process.returncode == 0 and [p.name for p in tmp_path.iterdir()] == ["all.png"]
        assert_whole(tmp_path, {})


@pytest.mark.slow
@pytest.mark.parametrize("signum,args", [(signal.SIGINT, ["eval", "sinc", "--range", "0", "1", "--num", "10000000"]),
                                         (signal.SIGTERM, ["depth", "--layers", "1000", "--width", "4096"]),
                                         (signal.SIGINT, ["compare", *actviz.names()]),
                                         (signal.SIGTERM, ["sparsity", "--samples", "10000000"])],
                         ids=["eval", "depth", "compare", "sparsity"])
def test_every_command_stops_on_a_signal(tmp_path, signum, args):
    process = start(*args, cwd=tmp_path)
    until(lambda: handlers_installed(process), "actviz to start", process)
    send(process, signum, to_group=True)
    assert_interrupted(process, signum)
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- gallery

def gallery(folder, jobs="2"):
    return start("gallery", "--out", str(folder), "--force", "--jobs", jobs, cwd=folder.parent)


@pytest.mark.slow
def test_ctrl_c_once_the_gallery_has_written_its_first_figure(tmp_path):
    folder = a_folder_of_ones_own(tmp_path)
    process = gallery(folder)
    until(lambda: len(figures(folder)) > len(MINE), "the first figure", process)
    send(process, signal.SIGINT, to_group=True)
    assert_interrupted(process, signal.SIGINT)
    assert_whole(folder, MINE)
    assert_every_gallery_file_is_in_the_index(folder)


@pytest.mark.slow
@pytest.mark.parametrize("moment,signum,to_group", [
    ("start", signal.SIGINT, True), ("start", signal.SIGTERM, False), ("first figure", signal.SIGTERM, True),
    ("first figure", signal.SIGINT, False), ("ten figures", signal.SIGTERM, False)], **SIGNALS)
def test_a_signal_at_any_moment_of_the_gallery(tmp_path, signum, to_group, moment):
    folder = a_folder_of_ones_own(tmp_path)
    process = gallery(folder)
    if moment == "start":
        until(lambda: handlers_installed(process), "actviz to start", process)
    else:
        count = 1 if moment == "first figure" else 10
        until(lambda: len(figures(folder)) >= len(MINE) + count, moment, process)
    send(process, signum, to_group)
    assert_interrupted(process, signum)
    assert_whole(folder, MINE)
    assert_every_gallery_file_is_in_the_index(folder)


@pytest.mark.slow
def test_pressing_ctrl_c_repeatedly_still_gives_one_line(tmp_path):
    folder = a_folder_of_ones_own(tmp_path)
    process = gallery(folder)
    until(lambda: len(figures(folder)) > len(MINE), "the first figure", process)
    for _ in range(5):
        send(process, signal.SIGINT, to_group=True)
    assert_interrupted(process, signal.SIGINT)
    assert_whole(folder, MINE)


@pytest.mark.slow
def test_a_signal_to_a_gallery_drawn_in_one_process(tmp_path):
    folder = a_folder_of_ones_own(tmp_path)
    process = gallery(folder, jobs="1")
    until(lambda: len(figures(folder)) > len(MINE) + 3, "a few figures", process)
    send(process, signal.SIGTERM, to_group=False)
    assert_interrupted(process, signal.SIGTERM)
    assert_whole(folder, MINE)
    assert_every_gallery_file_is_in_the_index(folder)


@pytest.mark.slow
def test_workers_end_with_a_killed_gallery_and_leave_it_free(tmp_path):
    folder = a_folder_of_ones_own(tmp_path)
    process = gallery(folder)
    until(lambda: len(figures(folder)) > len(MINE), "the first figure", process)
    process.kill()  # SIGKILL cannot be handled: the workers must notice alone
    process.communicate(timeout=TIMEOUT)
    assert_group_ends(process)
    started = time.time()
    again = start("gallery", "--out", str(folder), "--jobs", "2", cwd=tmp_path)  # no lock is left held
    until(lambda: any(p.stat().st_mtime >= started for p in figures(folder)), "a figure written again", again)
    send(again, signal.SIGINT, to_group=True)
    assert_interrupted(again, signal.SIGINT)
