"""The committed gallery is complete and current, and --check can fail."""
import shutil

import pytest
from pathlib import Path

from click.testing import CliRunner

from actviz import gallery
from actviz.cli import cli

GALLERY = Path(__file__).resolve().parent.parent / "gallery"


@pytest.mark.slow
def test_committed_gallery_is_current():
    result = CliRunner().invoke(cli, ["gallery", "--check", "--out", str(GALLERY)])
    assert result.exit_code == 0, result.output


def test_check_finds_missing_stale_and_outdated(tmp_path):
    copy = tmp_path / "gallery"
    shutil.copytree(GALLERY, copy)
    (copy / "relu.svg").unlink()
    (copy / "retired_function.png").write_bytes(b"")
    (copy / "README.md").write_text("old\n")
    assert gallery.check(copy) == ["missing: relu.svg", "stale (no such figure any more): retired_function.png",
                                   "README.md disagrees with the registry"]
    result = CliRunner().invoke(cli, ["gallery", "--check", "--out", str(copy)])
    assert result.exit_code == 2 and result.output.startswith("Error: ") and result.output.count("\n") == 1


def test_rendering_is_deterministic(tmp_path):
    job = gallery.Job("teach-zigzag")
    first = gallery.render(job, tmp_path, ("svg",))[0].read_bytes()
    second = gallery.render(job, tmp_path, ("svg",))[0].read_bytes()
    assert first == second


def test_index_lists_every_function_with_its_pytorch_equivalent():
    text = gallery.index()
    assert '<img src="gelu.png"' in text and "torch.nn.GELU(approximate='none')" in text
    assert "`x / (1 + \\|x\\|)`" in text
