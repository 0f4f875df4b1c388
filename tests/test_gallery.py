"""The gallery: complete and current, checked by content, and it never
touches a file it did not make."""
import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from matplotlib.figure import Figure

from actviz import gallery
from actviz.cli import cli
from actviz.gallery import Job

GALLERY = Path(__file__).resolve().parent.parent / "gallery"
SMALL = [Job("relu", ("relu",)), Job("sigmoid", ("sigmoid",)), Job("compare-saturating", ("sigmoid", "tanh"))]


def run(*args):
    return CliRunner().invoke(cli, ["gallery", "--jobs", "1", *args], prog_name="actviz")


def contents(folder: Path) -> dict:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.fixture
def small(monkeypatch):
    """A gallery of three figures, so that a test builds one in seconds."""
    monkeypatch.setattr(gallery, "jobs", lambda html=False: list(SMALL))


@pytest.mark.slow
def test_committed_gallery_is_current():
    result = CliRunner().invoke(cli, ["gallery", "--check", "--html", "--out", str(GALLERY)])
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_a_folder_of_ones_own_files_is_refused_and_never_touched(small, tmp_path):
    pics = tmp_path / "pics"
    pics.mkdir()
    for name in ("holiday.png", "thesis.pdf", "logo.svg", "README.md"):
        (pics / name).write_bytes(f"my own {name}".encode())
    before = contents(pics)
    result = run("--out", str(pics))
    assert result.exit_code == 2 and result.output == (
        f"Error: {pics} is not empty and holds no gallery (no index.json): choose another --out, "
        "or add --force to put a gallery beside its files, which stay untouched\n")
    result = run("--out", str(pics), "--force")
    assert result.output == (f"Error: {pics}/README.md is in the way and was not made by `actviz gallery`; "
                             "move it away\n") and result.exit_code == 2
    assert contents(pics) == before
    (pics / "README.md").rename(tmp_path / "README.md")
    del before["README.md"]
    assert run("--out", str(pics), "--force").exit_code == 0
    assert run("--out", str(pics)).exit_code == 0  # now a gallery: no --force needed
    after = contents(pics)
    assert {name: after[name] for name in before} == before
    index = json.loads(after["index.json"])
    assert set(index["files"]) == set(after) - set(before) - {"index.json"}


@pytest.mark.slow
def test_only_files_in_the_index_are_ever_deleted(small, tmp_path, monkeypatch):
    assert gallery.build(tmp_path, workers=1) is None
    (tmp_path / "tanh.png").write_bytes(b"mine, though named like a figure")
    (tmp_path / "sigmoid-notes.svg").write_bytes(b"mine")
    monkeypatch.setattr(gallery, "jobs", lambda html=False: SMALL[:1])
    gallery.build(tmp_path, workers=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "README.md", "index.json", "relu.png", "relu.svg", "sigmoid-notes.svg", "tanh.png"]


@pytest.mark.parametrize("name", ["../outside.png", "/etc/passwd", ".hidden", "sub/relu.png"])
def test_an_index_naming_anything_but_plain_files_here_is_not_trusted(tmp_path, monkeypatch, name):
    monkeypatch.setattr(gallery, "jobs", lambda html=False: SMALL[:1])
    folder = tmp_path / "g"
    gallery.build(folder, ("svg",), workers=1)
    (tmp_path / "outside.png").write_bytes(b"mine")
    index = json.loads((folder / "index.json").read_text())
    index["files"][name] = {}
    (folder / "index.json").write_text(json.dumps(index))
    before = contents(folder)
    result = run("--out", str(folder), "--force", "--formats", "svg")
    assert result.exit_code == 2 and result.output == (
        f"Error: {folder}/index.json was not written by `actviz gallery`; "
        "move it away (the gallery touches only files it made)\n")
    assert contents(folder) == before and (tmp_path / "outside.png").read_bytes() == b"mine"


@pytest.mark.slow
def test_check_finds_damaged_changed_missing_and_stale_figures(small, tmp_path, monkeypatch):
    gallery.build(tmp_path, workers=1)
    assert gallery.check(tmp_path, workers=1) == []
    png = (tmp_path / "relu.png").read_bytes()
    (tmp_path / "relu.png").write_bytes(png[: len(png) // 2])
    svg = (tmp_path / "sigmoid.svg").read_text()
    (tmp_path / "sigmoid.svg").write_text(svg.replace("</svg>", ""))
    (tmp_path / "sigmoid.png").unlink()
    index = json.loads((tmp_path / "index.json").read_text())
    index["files"]["retired.png"] = index["files"]["relu.png"]
    (tmp_path / "index.json").write_text(json.dumps(index))
    (tmp_path / "retired.png").write_bytes(png)
    drawn = gallery._figure

    def changed(job, look):  # the code now draws compare-saturating over another range
        fig = drawn(job, look)
        if job.stem == "compare-saturating":
            fig.axes[0].set_xlim(-3, 3)
        return fig

    monkeypatch.setattr(gallery, "_figure", changed)
    problems = gallery.check(tmp_path, workers=1)
    assert problems[:2] == ["missing: sigmoid.png", "stale (no such figure any more): retired.png"]
    assert problems[2].startswith("damaged: relu.png cannot be decoded (")
    assert problems[3].startswith("damaged: sigmoid.svg is not well-formed XML (")
    assert problems[4:] == ["outdated: compare-saturating.png (the figure is drawn differently now)",
                            "outdated: compare-saturating.svg (the figure is drawn differently now)"]
    result = run("--check", "--out", str(tmp_path))
    assert result.exit_code == 2 and result.output.startswith(f"Error: {tmp_path} is not current (6 problems: ")
    assert result.output.count("\n") == 1


@pytest.mark.slow
def test_check_finds_a_figure_of_the_wrong_size(tmp_path, monkeypatch):
    monkeypatch.setattr(gallery, "jobs", lambda html=False: SMALL[:2])
    gallery.build(tmp_path, formats=("pdf",), workers=1)
    pdf = (tmp_path / "relu.pdf").read_bytes()
    (tmp_path / "relu.pdf").write_bytes(pdf.replace(b"/MediaBox [ 0 0 576 324 ]", b"/MediaBox [ 0 0 576 320 ]"))
    (tmp_path / "sigmoid.pdf").write_bytes(pdf[:-200])
    assert gallery.check(tmp_path, ("pdf",), workers=1) == [
        "damaged: relu.pdf is 576×320 pt, the index says 576×324 pt",
        "damaged: sigmoid.pdf is truncated (it does not end with %%EOF)"]


@pytest.mark.slow
def test_a_stopped_run_leaves_every_name_it_wrote_in_the_index(small, tmp_path, monkeypatch):
    written = []
    real_write = gallery.output.write_atomic

    def stop_after_two_figures(path, data):
        if len(written) == 2 and path.suffix != ".json":
            raise KeyboardInterrupt
        real_write(path, data)
        written.append(path.name)

    monkeypatch.setattr(gallery.output, "write_atomic", stop_after_two_figures)
    with pytest.raises(KeyboardInterrupt):
        gallery.build(tmp_path, workers=1)
    index = json.loads((tmp_path / "index.json").read_text())
    assert written == ["index.json", "relu.png"]
    assert set(index["files"]) == set(gallery.expected_files(("png", "svg")))
    assert "incomplete: relu.png (a run was stopped before it finished)" in gallery.check(tmp_path, workers=1)
    monkeypatch.undo()
    monkeypatch.setattr(gallery, "jobs", lambda html=False: list(SMALL))
    gallery.build(tmp_path, workers=1)  # no --force needed: the folder is a gallery
    assert gallery.check(tmp_path, workers=1) == []


def test_a_second_run_fails_at_once_while_one_is_writing(small, tmp_path):
    handle = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        for args in ((), ("--check",)):
            result = run("--out", str(tmp_path), *args)
            assert result.exit_code == 2 and result.output == (
                f"Error: another `actviz gallery` is writing {tmp_path}; try again when it has finished\n")
    finally:
        os.close(handle)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_concurrent_runs_do_not_disturb_each_other(tmp_path):
    script = ("import sys; from actviz import gallery; from actviz.gallery import Job\n"
              f"gallery.jobs = lambda html=False: {SMALL!r}\n"
              "from actviz.cli import main; sys.argv[1:] = ['gallery', '--jobs', '2', '--out', sys.argv[1]]; main()")
    runs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "g")], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [(run.wait(timeout=300), run.stderr.read()) for run in runs]
    for code, stderr in results:
        assert (code, stderr) == (0, "") or (code == 2 and stderr == (
            f"Error: another `actviz gallery` is writing {tmp_path / 'g'}; try again when it has finished\n"))
    assert 0 in [code for code, _ in results]
    for run in runs:
        run.stdout.close()
        run.stderr.close()
    check = subprocess.run([sys.executable, "-c", script.replace("'--out'", "'--check', '--out'"),
                            str(tmp_path / "g")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert not [p.name for p in (tmp_path / "g").iterdir() if p.name.startswith(".")]


def test_fingerprint_follows_what_the_figure_shows():
    def figure(ys=(0.0, 1.0, 4.0), label="relu", title="a"):
        fig = Figure(figsize=(8, 4.5))
        ax = fig.add_subplot()
        ax.plot([0.0, 1.0, 2.0], ys, label=label)
        ax.axvspan(-1.0, 0.0)
        ax.legend()
        fig.suptitle(title)
        return fig

    same = gallery.fingerprint(figure())
    assert gallery.fingerprint(figure(ys=(0.0, 1.0 + 1e-9, 4.0))) == same
    assert gallery.fingerprint(figure(ys=(0.0, 1.0 + 1e-4, 4.0))) != same
    assert gallery.fingerprint(figure(label="gelu")) != same
    assert gallery.fingerprint(figure(title="b")) != same
    shaded = figure()
    shaded.axes[0].patches[0].set_x(-2.0)
    assert gallery.fingerprint(shaded) != same


def test_fingerprint_does_not_depend_on_the_theme_or_the_format():
    light = gallery.draw(SMALL[0], ("png", "svg"))
    dark = gallery.draw(SMALL[0], ("pdf",), theme="dark")
    assert light.fingerprint == dark.fingerprint


@pytest.mark.slow
def test_rendering_is_deterministic():
    job = Job("teach-zigzag")
    assert gallery.draw(job, ("svg",)).files["svg"] == gallery.draw(job, ("svg",)).files["svg"]


def test_readme_lists_every_function_with_its_pytorch_equivalent():
    text = gallery.readme()
    assert '<img src="gelu.png"' in text and "torch.nn.GELU(approximate='none')" in text
    assert "`x / (1 + \\|x\\|)`" in text


def test_readme_shows_the_animation_and_with_html_links_the_page():
    shown = "![leaky_relu as negative_slope goes from 0 to 0.3 and back](leaky_relu-sweep.gif)"
    command = "`actviz animate leaky_relu -p negative_slope=0:0.3:16 -d --bounce --fps 8 --dpi 100`"
    assert shown in gallery.readme() and f"Made by {command}." in gallery.readme()
    assert "explorer.html" not in gallery.readme() and "[explorer.html](explorer.html)" in gallery.readme(html=True)


@pytest.mark.slow
def test_the_animation_and_the_page_are_written_indexed_and_checked(tmp_path, monkeypatch):
    moving = [Job("relu", ("relu",)), Job("leaky_relu-sweep", ("leaky_relu",), "animation"),
              Job("explorer", ("relu", "elu"), "page")]
    monkeypatch.setattr(gallery, "jobs", lambda html=False: moving if html else moving[:2])
    result = run("--html", "--formats", "png", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    index = json.loads((tmp_path / "index.json").read_text())["files"]
    page = (tmp_path / "explorer.html").read_bytes()
    assert index["leaky_relu-sweep.gif"]["size"] == [800, 450] and index["explorer.html"]["size"] == [len(page)]
    assert gallery.check(tmp_path, ("png",), workers=1, html=True) == []
    assert gallery.check(tmp_path, ("png",), workers=1) == ["stale (no such figure any more): explorer.html",
                                                            "README.md disagrees with the registry"]
    (tmp_path / "explorer.html").write_bytes(page[:-100])
    gif = (tmp_path / "leaky_relu-sweep.gif").read_bytes()
    (tmp_path / "leaky_relu-sweep.gif").write_bytes(gif[:-1])
    assert gallery.check(tmp_path, ("png",), workers=1, html=True) == [
        "damaged: leaky_relu-sweep.gif is truncated (it does not end with the GIF trailer)",
        "damaged: explorer.html is truncated (it does not end with </html>)"]


@pytest.mark.parametrize("check", [[], ["--check"]])
def test_a_folder_name_too_long_is_one_error_line(tmp_path, monkeypatch, check):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["gallery", "--out", "a" * 300, *check])
    assert result.exit_code == 2
    assert result.stderr.endswith(": file name too long\n") and len(result.stderr.splitlines()) == 1
