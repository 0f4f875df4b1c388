"""`actviz animate`: what a user gets (frames, their order, timing, fixed
axes, the value in the title, shading and markers of every frame, the same
bytes twice) and what a mistake gets (one error line, exit 2, no file)."""
import base64
import gc
import io
import os
import pty
import re
import signal
import subprocess
import sys
import time
import weakref

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

import actviz
from actviz import animation, plotting
from actviz.vector_commands import two_class_label
from actviz.cli import _sweep_values, cli

import audit
from test_signals import assert_interrupted, handlers_installed, send, start, until

SMALL = ["--dpi", "40"]  # 320×180 px: the tests look at frames, not at fine detail


def run(*args):
    return CliRunner().invoke(cli, ["animate", *args])


def gif_frames(path):
    """Every frame of a GIF as an RGB array, as a viewer shows it."""
    with Image.open(path) as image:
        frames = []
        for index in range(image.n_frames):
            image.seek(index)
            frames.append((np.asarray(image.convert("RGB")), image.info["duration"]))
        return frames, image.info.get("loop")


def html_frames(text):
    """The PNG frames embedded in an animation page, decoded."""
    found = re.findall(r'frames\[\d+\] = "data:image/png;base64,([^"]+)"', text)
    return [Image.open(io.BytesIO(base64.b64decode(data.replace("\\n", "")))) for data in found]


def test_a_sweep_as_a_gif(tmp_path):
    result = run("leaky_relu", "-p", "negative_slope=0:0.3:4", "-d", "--fps", "5", *SMALL,
                 "-o", str(tmp_path / "sweep.gif"))
    assert (result.exit_code, result.output) == (0, f"wrote {tmp_path / 'sweep.gif'} (320×180 px), 4 frames\n")
    frames, loop = gif_frames(tmp_path / "sweep.gif")
    assert loop == 0 and [duration for _, duration in frames] == [200] * 4
    assert all(pixels.shape == (180, 320, 3) for pixels, _ in frames)
    assert len({pixels.tobytes() for pixels, _ in frames}) == 4


@pytest.mark.slow
def test_the_same_command_gives_the_same_bytes(tmp_path):
    for suffix in ("gif", "html"):
        outputs = []
        for attempt in range(2):
            path = tmp_path / f"{attempt}.{suffix}"
            assert run("softplus", "-p", "beta=0.5,2", "-d", *SMALL, "-o", str(path)).exit_code == 0
            outputs.append(path.read_bytes())
        assert outputs[0] == outputs[1]


@pytest.mark.slow
def test_bounce_plays_forth_and_back_without_repeating_the_ends(tmp_path):
    path = tmp_path / "bounce.gif"
    assert run("elu", "-p", "alpha=0.5:2:4", *SMALL, "--bounce", "--no-loop", "-o", str(path)).exit_code == 0
    frames, loop = gif_frames(path)
    assert loop is None  # no NETSCAPE loop block: played once
    pictures = [pixels for pixels, _ in frames]
    assert len(pictures) == 6  # 0 1 2 3 2 1
    for forth, back in ((1, 5), (2, 4)):
        assert np.array_equal(pictures[forth], pictures[back])


def test_an_html_page_plays_by_itself_offline(tmp_path):
    path = tmp_path / "sweep.html"
    assert run("leaky_relu", "-p", "negative_slope=0,0.1,0.2", "--bounce", *SMALL, "-o", str(path)).exit_code == 0
    text = path.read_text()
    assert text.startswith("<!DOCTYPE html>") and "<title>leaky_relu</title>" in text
    assert re.search(r'value="reflect"\s+id="[^"]+"\s+checked', text)  # --bounce: the player reflects
    assert "play_animation()" in text and "http" not in text.split("<body>")[1]
    assert [frame.size for frame in html_frames(text)] == [(320, 180)] * 3  # a bounce is the player's


def test_an_mp4(tmp_path):
    import imageio_ffmpeg
    path = tmp_path / "sweep.mp4"
    result = run("leaky_relu", "-p", "negative_slope=0:0.3:5", "--size", "3.01x2", "--dpi", "100", "--fps", "25",
                 "-o", str(path))
    assert result.output == f"wrote {path} (302×200 px), 5 frames\n"  # an odd width padded to even
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    reader.close()
    assert (meta["size"], meta["fps"], meta["codec"]) == ((302, 200), 25.0, "h264")
    assert imageio_ffmpeg.count_frames_and_secs(str(path)) == (5, 0.2)


def test_without_the_video_extra_an_mp4_is_one_line_naming_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # import fails as when it is not installed
    result = run("leaky_relu", "-p", "negative_slope=0:0.3:3", "-o", str(tmp_path / "sweep.mp4"))
    assert (result.exit_code, result.output) == (
        2, "Error: writing .mp4 needs ffmpeg from the video extra: pip install 'actviz[video]'\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args,message", [
    (["leaky_relu"], "nothing to animate: sweep one parameter, e.g. -p negative_slope=0:0.3:31"),
    (["leaky_relu", "-p", "negative_slope=0.1"],
     "nothing to animate: sweep one parameter, e.g. -p negative_slope=0:0.3:31"),
    (["leaky_relu", "-p", "negative_slope=0:0.3:0"],
     "a sweep takes 2–1000 frames; got a count of 0 in negative_slope=0:0.3:0"),
    (["leaky_relu", "-p", "negative_slope=0:0.3:1000000"],
     "a sweep takes 2–1000 frames; got a count of 1000000 in negative_slope=0:0.3:1000000"),
    (["leaky_relu", "-p", "negative_slope=0:0.3"],
     "a sweep is -p negative_slope=START:STOP:COUNT (e.g. 0:0.3:31) or a comma list; got '0:0.3'"),
    (["leaky_relu", "-p", "negative_slope=0:0.3:1e3"],
     "a sweep is -p negative_slope=START:STOP:COUNT (e.g. 0:0.3:31) or a comma list; got '0:0.3:1e3'"),
    (["leaky_relu", "-p", "negative_slope=0:inf:3"], "the ends of the sweep negative_slope=0:inf:3 must be finite"),
    (["leaky_relu", "-p", "negative_slope=0x1:1:3"], "the ends of the sweep negative_slope=0x1:1:3 must be numbers"),
    (["elu", "-p", "alpha=-1:1:5"], "parameter 'alpha' must be a finite number > 0; got -1.0 (frame 1 of 5)"),
    (["elu", "-p", "alpha=1,0"], "parameter 'alpha' must be a finite number > 0; got '0' (frame 2 of 2)"),
    (["hardtanh", "-p", "min_val=-2:2:3"], "hardtanh: min_val (2) must be below max_val (1) (frame 3 of 3)"),
    (["gelu", "-p", "approximate=none,erf"],
     "parameter 'approximate' must be one of none, tanh; got 'erf' (frame 2 of 2)"),
    (["softplus", "-p", "beta=1:2:3", "-p", "threshold=1:2:3"], "sweep one parameter at a time; got beta, threshold"),
    (["leaky_relu", "-p", "negative_slope=0:0.3:3", "--fps", "0"], "--fps must lie in (0, 50]; got 0"),
    (["leaky_relu", "-p", "negative_slope=0:0.3:3", "--fps", "60"], "--fps must lie in (0, 50]; got 60"),
    (["leaky_relu", "-p", "negative_slope=0:0.3:3", "-o", "sweep.avi"],
     "cannot write 'sweep.avi': the suffix must be .gif, .mp4 or .html"),
    (["leaky_relu", "-p", "negative_slope=0:0.3:3", "-o", "sweep.png"],
     "cannot write 'sweep.png': the suffix must be .gif, .mp4 or .html"),
    (["relu", "--training"], "--training is for rrelu (its random slope); relu has no training mode"),
    (["rrelu", "--training", "-p", "lower=0:0.1:3"],
     "--training draws the slope at random: give lower and upper as single values, not a sweep"),
    (["rrelu", "--training", "-p", "lower=0.5", "-p", "upper=0.1"], "rrelu: lower (0.5) must not exceed upper (0.1)"),
    (["leaky_relu", "-p", "negative_slope=0:1:3", "--layout", "side"],
     "--layout side puts f and f′ side by side: add -d (and drop --derivative-only)"),
    (["leaky_relu", "-p", "negative_slope=0:1:3", "--dpi", "1200", "--size", "50x50"],
     "a 60000×60000 px frame (3,600,000,000 pixels) is over the budget of 100,000,000: lower --dpi or --size, "
     "or raise --max-pixels"),
])
def test_bad_input_is_one_line_and_leaves_no_file(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "leaky_relu.gif").write_bytes(b"an old animation")
    result = run(*args)
    assert (result.exit_code, result.output) == (2, f"Error: {message}\n")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {"leaky_relu.gif": b"an old animation"}


def test_sweep_values_are_the_decimals_typed():
    frames = animation.sweep_frames("leaky_relu", "negative_slope", _sweep_values("negative_slope", "0:0.3:31"), {})
    assert [f.act.params["negative_slope"] for f in frames] == [i / 100 for i in range(31)]
    assert frames[7].title == "leaky_relu   negative_slope = 0.07"
    assert frames[30].act.label == "leaky_relu(negative_slope=0.30)"


def test_values_are_written_to_one_width():
    assert animation._value_texts([0.1, 0.25, 1.0]) == ["0.10", "0.25", "1.00"]
    assert animation._value_texts([-1.0, 0.5]) == ["−1.0", "0.5"]
    assert animation._value_texts([1e-9, 1.0]) == ["1e-09", "1"]  # beyond 6 decimals: significant digits
    assert animation._value_texts(["none", "tanh"]) == ["none", "tanh"]


def test_rrelu_in_training_draws_its_slopes_from_its_bounds_with_the_seed():
    frames = animation.training_frames(50, seed=3, lower=0.1, upper=0.2)
    slopes = [f.act.params["lower"] for f in frames]
    assert all(0.1 <= a <= 0.2 for a in slopes) and len(set(slopes)) == 50
    assert [f.act.params["upper"] for f in frames] == slopes
    assert float(frames[0].act.df(-1.0)) == slopes[0]  # the frame's leaky slope is the slope drawn
    assert frames[0].title == f"rrelu   a = {slopes[0]:.3f}" and frames[0].act.label == "rrelu(a ~ U[0.1, 0.2])"
    assert slopes == [f.act.params["lower"] for f in animation.training_frames(50, seed=3, lower=0.1, upper=0.2)]
    assert slopes != [f.act.params["lower"] for f in animation.training_frames(50, seed=4, lower=0.1, upper=0.2)]


SWEEPS = [
    ("leaky_relu", "negative_slope", "0:0.3:4", {}, dict(derivative=True)),
    ("elu", "alpha", "0.2:2:4", {}, dict(derivative=True, layout="side")),
    ("softshrink", "lambd", "0:2:3", {}, dict(derivative=True)),
    ("hardtanh", "min_val", "-3:0:3", {"max_val": "2"}, dict(derivative_only=True)),
    ("gelu", "approximate", "none,tanh", {}, dict(derivative=True, size=(8.0, 6.0))),
]


@pytest.mark.slow
@pytest.mark.parametrize("name,key,sweep,fixed,options", SWEEPS, ids=[s[0] for s in SWEEPS])
def test_every_frame_keeps_the_axes_and_passes_the_audit(name, key, sweep, fixed, options):
    """Limits and boxes are the same in every frame; each frame's texts lie
    inside the figure and apart, its shading and markers are its own
    function's (audit.py), and its title is its value."""
    values = sweep.split(",") if "," in sweep else _sweep_values(key, sweep)
    frames = animation.sweep_frames(name, key, values, fixed)
    seen = set()
    with plotting.theme("light") as look:
        figures = animation.figures(frames, plotting.FigureOptions(**options), look, 100, range(len(frames)))
        for frame, fig in zip(frames, figures):
            panels = [ax for ax in fig.axes if ax.get_gid() != "inset"]
            seen.add(tuple((tuple(ax.get_position().bounds), ax.get_xlim(), ax.get_ylim()) for ax in panels))
            problems = audit.text_problems(fig)
            for ax in panels:
                problems += audit.shading_problems(ax, frame.act)
            if not options.get("derivative_only"):  # kinks are marked on f
                overlay = options.get("derivative") and options.get("layout") != "side"
                problems += audit.marker_problems(panels[0], frame.act, derivative=overlay)
            assert not problems, "\n".join(problems)
            assert fig.get_suptitle() == frame.title
    assert len(seen) == 1


def test_a_frame_with_an_extra_legend_row_does_not_move_the_axes():
    """Leaky ReLU at slope 0 is ReLU: its dead region adds a legend entry,
    and a second legend row, that the other frames do not have."""
    frames = animation.sweep_frames("leaky_relu", "negative_slope", [0.0, 0.2], {})
    with plotting.theme("light") as look:
        alone = plotting.figure([frames[1].act], plotting.FigureOptions(derivative=True, ylim=(-2, 6)))
        alone.get_layout_engine().execute(alone)
        boxes = [fig.axes[0].get_position().bounds
                 for fig in animation.figures(frames, plotting.FigureOptions(derivative=True), look, 100, [0, 1])]
    assert boxes[0] == boxes[1]
    assert boxes[1][3] < alone.axes[0].get_position().height  # room left for frame 0's second row


def test_frames_are_drawn_one_at_a_time():
    frames = animation.sweep_frames("elu", "alpha", [0.5, 1.0, 1.5], {})
    with plotting.theme("light") as look:
        figures = animation.figures(frames, plotting.FigureOptions(), look, 40, range(3))
        first = weakref.ref(next(figures))
        next(figures)
        gc.collect()
        assert first() is None


@pytest.mark.slow
def test_the_progress_bar_is_drawn_on_a_terminal_only(tmp_path):
    command = [sys.executable, "-m", "actviz", "animate", "elu", "-p", "alpha=0.5:1:3", *SMALL, "-o", "a.gif"]
    piped = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert (piped.returncode, piped.stderr) == (0, "")
    controller, terminal = pty.openpty()
    with os.fdopen(controller, "rb", buffering=0) as screen:
        process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=terminal)
        os.close(terminal)
        drawn = b""
        try:
            while chunk := screen.read(1024):
                drawn += chunk
        except OSError:  # the terminal closes with the process
            pass
    with process.stdout:
        assert process.wait() == 0 and process.stdout.read() == "wrote a.gif (320×180 px), 3 frames\n".encode()
    assert b"drawing" in drawn and b"6/6" in drawn  # a layout and a drawing per frame


@pytest.mark.slow
@pytest.mark.parametrize("suffix,signum", [("gif", signal.SIGINT), ("mp4", signal.SIGTERM), ("html", signal.SIGINT)])
def test_a_signal_during_an_animation_leaves_the_old_file_and_nothing_else(tmp_path, suffix, signum):
    old = {f"sweep.{suffix}": b"an old animation"}
    (tmp_path / f"sweep.{suffix}").write_bytes(b"an old animation")
    process = start("animate", "elu", "-p", "alpha=0.1:2:200", "-d", "-o", f"sweep.{suffix}", cwd=tmp_path)
    until(lambda: handlers_installed(process), "actviz to start", process)
    until(lambda: any(p.name.startswith(".actviz-") for p in tmp_path.iterdir()), "the temporary file", process)
    time.sleep(1.0)  # frames being drawn (and, for an MP4, ffmpeg running)
    send(process, signum, to_group=True)
    assert_interrupted(process, signum)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == old
    assert not _processes_writing_in(tmp_path), "ffmpeg outlived the command"


def _processes_writing_in(folder):
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as command:
                if str(folder).encode() in command.read():
                    found.append(entry)
        except OSError:
            continue
    return found


def test_the_command_line_spells_out_the_animation_module_s_limits():
    """cli.py repeats them so that building the CLI does not import matplotlib."""
    from actviz import cli as command_line
    assert (command_line.ANIMATION_FORMATS, command_line.MAX_FRAMES) == (animation.FORMATS, animation.MAX_FRAMES)


def test_a_vector_function_sweeps_its_temperature_in_its_two_class_form(tmp_path):
    path = tmp_path / "softmax.gif"
    result = run("softmax", "-p", "temperature=0.5:2:3", "-d", *SMALL, "-o", str(path))
    assert (result.exit_code, result.output) == (0, f"wrote {path} (320×180 px), 3 frames\n")
    assert len(gif_frames(path)[0]) == 3
    frames = animation.sweep_frames("softmax", "temperature", [0.5, 2.0], {}, title="softmax, 2 classes")
    assert [frame.title for frame in frames] == ["softmax, 2 classes   temperature = 0.5",
                                                 "softmax, 2 classes   temperature = 2.0"]
    assert frames[0].act.df(0.0) == 0.5 and frames[1].act.f(2.0) == actviz.get("sigmoid").f(1.0)
    assert two_class_label(actviz.get("sparsemax"), "zh") == "sparsemax，两类：p₁ 作为 z₁ − z₂ 的函数"


def test_a_gated_function_has_nothing_to_sweep(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("swiglu", "-p", "beta=1:2:3")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == ("Error: swiglu is a gated function of two inputs with no parameters to sweep; "
                             "`actviz plot swiglu` draws it\n")
    assert list(tmp_path.iterdir()) == []
