"""A fuzzed command line: argument lists built from the CLI's own grammar.

For every generated call: exit status 0 or 2, never a traceback, exactly one
error line on exit 2, and a failed call creates no file and leaves every
existing file byte-identical.
"""
import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import actviz
from actviz.cli import cli

NAMES = actviz.names()
SPELLINGS = st.one_of(st.sampled_from(NAMES), st.sampled_from(["rleu", "sigmod", "RELU", "leaky-relu", "swish",
                                                               "", "-", "nope", "gelu.", "relu6x"]))
NUMBERS = st.one_of(st.sampled_from(["nan", "inf", "-inf", "1e400", "-0", "0", "-1e-320", "1e308", "abc", "",
                                     "0x10", "1_000", "-800", "37"]),
                    st.floats(allow_nan=False, allow_infinity=False).map(repr), st.integers().map(str))
PARAMS = st.one_of(
    st.builds(lambda k, v: f"{k}={v}", st.sampled_from(["alpha", "negative_slope", "beta", "lower", "upper",
                                                         "approximate", "lambd", "b", "nope", "min_val"]), NUMBERS),
    st.builds(lambda n, v: f"{n}.alpha={v}", SPELLINGS, NUMBERS),
    st.sampled_from(["alpha", "=", "alpha=", "=1", "negative_slope=0.01,0.1,0.3", "approximate=tanh", "a=b=c"]))
OUTPUTS = st.sampled_from(["out.png", "out.svg", "out.pdf", "out.gif", "out", "missing/out.png", "existing_dir",
                           "locked/out.png", "existing.png", ".png", "existing_dir/out.svg"])


def option(flag, values):
    return st.tuples(st.just(flag), values).map(list)


def arguments(command, *parts):
    return st.tuples(*parts).map(lambda groups: [command] + [a for g in groups for a in g])


def some(strategy, most=3):
    return st.lists(strategy, max_size=most).map(lambda groups: [a for g in groups for a in g])


NAME_LIST = st.lists(SPELLINGS, min_size=0, max_size=3)
COMMON_PARAMS = some(option("-p", PARAMS), 2)
FIGURE = some(st.one_of(option("-o", OUTPUTS), option("--dpi", NUMBERS), option("--size", st.sampled_from(
    ["16:9", "4:3", "1x1", "0x0", "big", "100x100", "3x2"])), option("--theme", st.sampled_from(["dark", "neon"])),
    st.just(["--transparent"]), option("--font-scale", NUMBERS), option("--svg-text", st.sampled_from(["path", "x"])),
    option("--title", st.text(max_size=10)), option("--lang", st.sampled_from(["zh", "fr"]))), 3)

CALLS = st.one_of(
    arguments("list", some(st.just(["--json"]), 1)),
    arguments("info", NAME_LIST, COMMON_PARAMS, some(st.one_of(option("--threshold", NUMBERS), st.just(["--json"]),
                                                               option("--preset", st.sampled_from(["jax", "mx"]))),
                                                     2)),
    arguments("eval", NAME_LIST, st.lists(NUMBERS, max_size=4), COMMON_PARAMS,
              some(st.one_of(st.just(["-d"]), option("--format", st.sampled_from(["csv", "json", "xml"])),
                             st.tuples(st.just("--range"), NUMBERS, NUMBERS).map(list),
                             option("--num", NUMBERS)), 3)),
    arguments("plot", NAME_LIST, COMMON_PARAMS,
              some(st.one_of(st.just(["-d"]), st.just(["--grid"]), st.just(["--derivative-only"]),
                             st.just(["--no-shade"]), option("--layout", st.sampled_from(["side", "tiles"])),
                             st.tuples(st.just("--xlim"), NUMBERS, NUMBERS).map(list),
                             st.tuples(st.just("--ylim"), NUMBERS, NUMBERS).map(list),
                             option("--threshold", NUMBERS)), 3), FIGURE),
    arguments("depth", NAME_LIST, some(st.one_of(option("--layers", NUMBERS), option("--seeds", st.just("1")),
                                                 option("--width", st.sampled_from(["4", "0", "x"])),
                                                 option("--weight-scale", NUMBERS)), 2), FIGURE),
    arguments("compare", NAME_LIST, st.just(["--no-cost"]), FIGURE),
    arguments("collapse", NAME_LIST, COMMON_PARAMS, some(option("--layers", NUMBERS), 1), FIGURE),
    arguments("gallery", st.just(["--check"]), some(option("--formats", st.sampled_from(["png", "gif", ","])), 1)),
)


@contextmanager
def inside(folder):
    """Run with `folder` as the working directory (relative -o paths land there)."""
    previous = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


def snapshot(folder: Path):
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow
@settings(max_examples=150)
@given(CALLS)
def test_every_call_exits_0_or_2_with_one_error_line(args):
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as where, inside(where):
        here = Path(where)
        (here / "existing_dir").mkdir()
        (here / "existing.png").write_bytes(b"old figure")
        (here / "locked").mkdir()
        (here / "locked").chmod(stat.S_IRUSR | stat.S_IXUSR)
        # Keep figures small: the fuzzer checks behaviour, not looks.
        if args[0] in ("plot", "depth", "collapse", "compare") and "--dpi" not in args:
            args = args + ["--dpi", "20"]
        if args[0] == "depth" and "--layers" not in args:
            args = args + ["--layers", "3", "--seeds", "1"]
        before = snapshot(here)
        try:
            result = runner.invoke(cli, args, prog_name="actviz")
        finally:
            (here / "locked").chmod(stat.S_IRWXU)
        assert result.exit_code in (0, 2), (args, result.output, result.exception)
        assert "Traceback" not in result.output
        if result.exit_code == 2:
            assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Error: "), (args, result.stderr)
            assert snapshot(here) == before, args
        else:
            assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
            for path, content in before.items():
                if path.name != "existing.png" or "existing.png" not in args:
                    assert path.read_bytes() == content
        leftovers = [p.name for p in here.rglob(".*") if p.is_file()]
        assert not leftovers, f"temporary files left behind: {leftovers}"

