"""Writing figures as a user meets it: one 'wrote' line on success and
nothing else, one error line and exit 2 on every kind of output failure,
nothing half-written, no file clobbered, limits that say how to lift them."""
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

import actviz
from actviz.cli import cli

ALL = actviz.names()


def run(*args):
    return CliRunner().invoke(cli, list(args), prog_name="actviz")


def actviz_process(*args, **options):
    """`python -m actviz ...` in a real process (for what the environment or the file descriptors decide)."""
    return subprocess.run([sys.executable, "-m", "actviz", *args],
                          **{"capture_output": True, "text": True, "timeout": 120, **options})


@pytest.mark.parametrize("suffix,size", [("png", "1600×900 px"), ("svg", "576×324 pt"), ("pdf", "576×324 pt")])
def test_one_line_names_the_file_and_its_size(tmp_path, suffix, size):
    target = tmp_path / f"relu.{suffix}"
    result = run("plot", "relu", "-o", str(target))
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"wrote {target} ({size})\n", "")


@pytest.mark.slow
@pytest.mark.parametrize("environment", [
    {}, {"MPLBACKEND": "nonsense", "SOURCE_DATE_EPOCH": "abc"},
    pytest.param({"SOURCE_DATE_EPOCH": ""}, marks=pytest.mark.slow),
    pytest.param({"SOURCE_DATE_EPOCH": "0"}, marks=pytest.mark.slow)])
def test_success_prints_the_wrote_line_and_nothing_else(tmp_path, environment):
    # A PDF with formulas is where fontTools used to log "'created' timestamp seems very low".
    done = actviz_process("plot", "gelu", "-d", "--formula", "-o", "gelu.pdf", cwd=tmp_path,
                          env={**os.environ, **environment})
    assert (done.returncode, done.stdout, done.stderr) == (0, "wrote gelu.pdf (576×324 pt)\n", "")


@pytest.mark.parametrize("args,message", [
    (["plot", "relu", "-o", ""], "Error: --output is empty (an unset shell variable?); give a name"),
    (["plot", "relu", "-o", "  "], "Error: --output is empty (an unset shell variable?); give a name"),
    (["compare", "relu", "-o", ""], "Error: --output is empty (an unset shell variable?); give a name"),
    (["gallery", "--out", ""], "Error: --out is empty (an unset shell variable?); give a name"),
    (["plot", "relu", "-o", "r" * 252 + ".png"],
     f"Error: cannot write '{'r' * 252}.png': the file name is 256 bytes, longer than this file system allows (255)"),
    (["plot", "relu", "--dpi", "1200", "--size", "50x50"],
     "Error: a 60000×60000 px figure (3,600,000,000 pixels) is over the budget of 100,000,000: lower --dpi or "
     "--size, or raise the budget with --max-pixels 3600000000"),
    (["depth", "relu", "--layers", "2", "--dpi", "50", "--size", "3x2", "--max-pixels", "14999"],
     "Error: a 150×100 px figure (15,000 pixels) is over the budget of 14,999: lower --dpi or --size, "
     "or raise the budget with --max-pixels 15000"),
])
def test_output_mistakes_are_one_line_and_leave_nothing(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert (result.exit_code, result.output) == (2, message + "\n")
    assert list(tmp_path.iterdir()) == []


def test_the_budget_can_be_lifted(tmp_path):
    target = tmp_path / "small.png"
    result = run("plot", "relu", "--dpi", "50", "--size", "3x2", "--max-pixels", "15000", "-o", str(target))
    assert result.output == f"wrote {target} (150×100 px)\n"


def test_the_longest_legal_name_is_written(tmp_path):
    target = tmp_path / ("r" * 251 + ".png")
    result = run("plot", "relu", "--dpi", "20", "-o", str(target))
    assert result.exit_code == 0 and [p.name for p in tmp_path.iterdir()] == [target.name]


@pytest.mark.parametrize("names,stem", [
    (ALL[:5], "sigmoid-tanh-relu-and-2-more"),
    pytest.param(ALL, f"sigmoid-tanh-relu-and-{len(ALL) - 3}-more", marks=pytest.mark.slow)])
def test_the_default_name_of_many_functions_is_short(tmp_path, monkeypatch, names, stem):
    monkeypatch.chdir(tmp_path)
    result = run("plot", *names, "--grid", "--size", "16x9", "--dpi", "20")
    assert result.exit_code == 0 and result.stdout.startswith(f"wrote {stem}.png (")
    assert [p.name for p in tmp_path.iterdir()] == [f"{stem}.png"]


def _temporary_goes_to(monkeypatch, device):
    """Route writes of actviz's temporary files to `device` (the temporary file itself is still made)."""
    real_open = os.open

    def open_(path, flags, mode=0o777, **kwargs):
        handle = real_open(path, flags, mode, **kwargs)
        if ".actviz-" in str(path):
            os.dup2(real_open(device, os.O_WRONLY), handle)
        return handle

    monkeypatch.setattr(os, "open", open_)


def test_a_full_disk_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "relu.png"
    target.write_bytes(b"precious")
    _temporary_goes_to(monkeypatch, "/dev/full")
    result = run("plot", "relu", "-o", str(target))
    assert (result.exit_code, result.output) == (2, f"Error: cannot write '{target}': no space left on device\n")
    assert [p.name for p in tmp_path.iterdir()] == ["relu.png"] and target.read_bytes() == b"precious"


def in_a_tiny_file_system(tmp_path, options, *args):
    """Run `python -m actviz ARGS` with tmp_path/disk a fresh tmpfs mounted
    with `options` (seen by that process alone, in its own user and mount
    namespaces); return its output and the files it left on that disk."""
    disk = tmp_path / "disk"
    disk.mkdir()
    script = 'mount -t tmpfs -o "$1" tmpfs "$2" || exit 99; disk=$2; shift 2; "$@" 2>&1; echo "exit $?"; ls -A "$disk"'
    if not shutil.which("unshare"):
        pytest.skip("needs unshare(1)")
    done = subprocess.run(["unshare", "-rm", "sh", "-c", script, "sh", options, str(disk), sys.executable, "-m",
                           "actviz", *(arg.replace("DISK", str(disk)) for arg in args)],
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs in a user namespace here: {done.stderr.strip()}")
    output, _, files = done.stdout.partition("\nexit ")
    code, *left = files.splitlines()
    return output, int(code), left


@pytest.mark.slow
@pytest.mark.parametrize("options,reason", [("size=32k", "no space left on device"),
                                            ("ro,size=32k", "read-only file system")])
def test_a_real_full_or_read_only_disk(tmp_path, options, reason):
    output, code, left = in_a_tiny_file_system(tmp_path, options, "plot", "relu", "-o", "DISK/relu.png")
    assert (output, code, left) == (f"Error: cannot write '{tmp_path}/disk/relu.png': {reason}", 2, [])


@pytest.mark.slow
def test_a_gallery_on_a_full_or_read_only_disk(tmp_path):
    output, code, left = in_a_tiny_file_system(tmp_path, "ro", "gallery", "--out", "DISK")
    assert (output, code, left) == (f"Error: cannot write '{tmp_path}/disk/index.json': read-only file system", 2, [])
    shutil.rmtree(tmp_path / "disk")
    output, code, left = in_a_tiny_file_system(tmp_path, "size=200k", "gallery", "--out", "DISK", "--jobs", "2")
    assert code == 2 and output.startswith(f"Error: cannot write '{tmp_path}/disk/") and "\n" not in output
    assert output.endswith("': no space left on device") and "index.json" in left
    assert not [name for name in left if name.startswith(".")]


def without_root_powers(*args):
    """`python -m actviz ARGS` as a process that folder permissions bind: as
    root (CI), one whose capabilities to override them are dropped (setpriv,
    from util-linux, which every Debian has)."""
    prefix = []
    if os.geteuid() == 0:
        assert shutil.which("setpriv"), "as root this test needs setpriv (util-linux) to drop the power to write anywhere"
        prefix = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]
    return subprocess.run([*prefix, sys.executable, "-m", "actviz", *args], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.slow
def test_an_unwritable_folder(tmp_path):
    tmp_path.chmod(0o555)
    try:
        result = without_root_powers("plot", "relu", "-o", str(tmp_path / "relu.png"))
        gallery = without_root_powers("gallery", "--out", str(tmp_path / "g"))
    finally:
        tmp_path.chmod(0o755)
    assert (result.returncode, result.stdout, result.stderr) == (
        2, "", f"Error: cannot write '{tmp_path}/relu.png': permission denied\n")
    assert (gallery.returncode, gallery.stdout, gallery.stderr) == (
        2, "", f"Error: cannot make the folder '{tmp_path}/g': permission denied\n")
    assert list(tmp_path.iterdir()) == []


def test_new_files_follow_the_umask_and_replaced_files_keep_their_mode(tmp_path):
    previous = os.umask(0o077)
    try:
        assert run("plot", "relu", "--dpi", "20", "-o", str(tmp_path / "new.png")).exit_code == 0
    finally:
        os.umask(previous)
    kept = tmp_path / "kept.png"
    kept.write_bytes(b"old")
    kept.chmod(0o640)
    assert run("plot", "relu", "--dpi", "20", "-o", str(kept)).exit_code == 0
    assert (tmp_path / "new.png").stat().st_mode & 0o777 == 0o600
    assert kept.stat().st_mode & 0o777 == 0o640 and kept.read_bytes() != b"old"


def test_standard_output_that_is_full_is_one_line():
    with open("/dev/full", "w") as full:
        done = actviz_process("list", stdout=full, capture_output=False, stderr=subprocess.PIPE)
    assert (done.returncode, done.stderr) == (2, "Error: cannot write to standard output: no space left on device\n")


@pytest.mark.parametrize("args", [["list"], ["eval", "relu", "--range", "0", "1", "--num", "100000"]])
def test_a_reader_that_goes_away_is_no_error(args):
    process = subprocess.Popen([sys.executable, "-m", "actviz", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    process.stdout.close()  # as `| head -1` does once it has its line
    assert process.stderr.read() == "" and process.wait(timeout=120) in (0, 1)
    process.stderr.close()


@pytest.mark.slow
def test_closed_standard_output_is_no_error(tmp_path):
    done = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-m", "actviz", "plot", "relu",
                           "--dpi", "20", "-o", "relu.png"], cwd=tmp_path, stderr=subprocess.PIPE, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (0, "") and (tmp_path / "relu.png").exists()
