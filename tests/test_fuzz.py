"""A fuzzed command line whose grammar is read from the click command tree.

Every command of ``actviz.cli.cli`` and every one of its parameters is
reached: choices come from click.Choice, ranges from IntRange and the
``Number`` type, flags, nargs and ``multiple`` from the parameter itself, so
a new option is fuzzed without editing this file.  The values are the hard
ones: the ends of the double range, NaN and the infinities, digit separators
and hexadecimal, broken mathtext, long and odd file names, unwritable
targets.

For every generated call: exit status 0 or 2, never a traceback, exactly one
error line on exit 2, and a failed call creates no file and leaves every
existing file byte-identical.
"""
import math
import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import actviz
from actviz.cli import cli
from actviz.command import ActivationName, FigureText, Number
from actviz.functions import ALIASES, GATED, REGISTRY, VECTOR
from actviz.gated_commands import NumberOrInput

# One function per call that names and parameters agree on, so that calls such
# as `plot softshrink -p lambd=1e308` are likely, not one in ten thousand.
FUNCTION = st.shared(st.sampled_from(actviz.names()), key="function")
SPELLINGS = st.one_of(FUNCTION, st.sampled_from(actviz.names()), st.sampled_from(sorted(ALIASES)),
                      st.sampled_from(sorted(GATED)), st.sampled_from(sorted(VECTOR)),
                      st.sampled_from(["rleu", "sigmod", "RELU", "leaky-relu", "", "-", "nope", "gelu.", "relu6x"]))
EXTREME_NUMBERS = st.sampled_from([
    "1e308", "-1e308", "1.7976931348623157e308", "-1.7976931348623157e308", "1e400", "5e-324", "-5e-324", "1e-320",
    "-0", "0", "nan", "-nan", "inf", "-inf", "-800", "37", "1_0", "0x10", "1e3_0", "", "abc", "١"])
NUMBERS = st.one_of(EXTREME_NUMBERS, EXTREME_NUMBERS, st.floats().map(repr), st.integers().map(str))
MATHTEXT = ["$x$", r"$\frac{", r"$\frac{$", "$$", "\\", r"$\alpha^2$", "a $ b", r"$\sqrt{x}$ and \$5", "$^$",
            r"$\foo$", "$x$$y$"]
TEXTS = st.one_of(st.sampled_from(MATHTEXT), st.text(max_size=12))
# Targets for an output: odd names, a 300-byte name (over the 255-byte limit),
# missing, existing and unwritable folders, and a file where a folder should be.
FILE_NAMES = st.sampled_from([
    "out.png", "out.svg", "out.pdf", "OUT.PNG", "out.gif", "out.html", "out", ".png", "with space.png",
    "ünïcødé-λ.svg",
    "-leading-dash.png", "--help.png", "a" * 296 + ".png", "a" * 251 + ".png", "missing/out.png", "existing_dir",
    "existing_dir/out.svg", "existing.png", "existing.png/out.png", "locked/out.png", "locked", "/proc/actviz.png", "",
])
# Examples for options typed as plain strings, whose grammar click does not know.
STRING_EXAMPLES = {
    "size": ["16:9", "4:3", "1:1", "1x1", "0.5x0.5", "50x50", "0x0", "big", "100x100", "3x2", "nanxnan", "1e400x1"],
    "formats": ["png", "png,svg,pdf", "gif", ",", "PNG, pdf", ""],
    "weights": ["1", "0.5,-1,2", "1e308,1e308", "0,0,0,0,0,0,0,0", "1,2,3,4,5,6,7,8,9", "nan", "-inf,1", ",", "1,,2"],
    "biases": ["0", "0.1,-0.2,0.3", "1e300", "-1e308,1e308", "inf", "1;2"],
}
# Formulas (--expr): good ones, with and without parameters, and each kind of bad one.
FORMULAS = ["x*tanh(softplus(x))", "x*sigmoid(beta*x)", "mish2=x*tanh(log(1+exp(x)))", "alpha*x", "exp(x)", "x^2",
            "", " ", "x*", "__import__('os')", "x.real", "lambda: 1", "sqrt(x)", "log(x)", "1/0", "x/(x-x)",
            "sigmod(x)", "y", "9^9^9^9", "1e400*x", "elu(x, alpha=0.5)", "gelu(x, approximate='tanh')"]
STRING_EXAMPLES["expr"] = STRING_EXAMPLES["exprs"] = FORMULAS
# Parameters every registered and vector function takes, and some it does not.
PARAM_KEYS = sorted({p.name for spec in [*REGISTRY.values(), *VECTOR.values()] for p in spec.params} | {"nope", ""})


def own_parameter(name):
    """key=value for one of `name`'s parameters (any key when it has none)."""
    params = REGISTRY[name].params
    if not params:
        return st.builds("{}={}".format, st.sampled_from(PARAM_KEYS), NUMBERS)
    return st.sampled_from(params).flatmap(lambda p: st.builds(
        "{}={}".format, st.just(p.name), st.sampled_from([*p.choices, "erf"]) if p.choices else NUMBERS))


PARAMS = st.one_of(
    FUNCTION.flatmap(own_parameter),
    st.builds("{}={}".format, st.sampled_from(PARAM_KEYS), NUMBERS),
    st.builds("{}.{}={}".format, SPELLINGS, st.sampled_from(PARAM_KEYS), NUMBERS),
    st.builds("{}={},{}".format, st.sampled_from(PARAM_KEYS), NUMBERS, NUMBERS),
    st.builds("{}={}:{}:{}".format, st.sampled_from(PARAM_KEYS), NUMBERS, NUMBERS,  # `animate`'s sweeps
              st.sampled_from(["0", "1", "2", "3", "1000000", "1e3", "", "-2"])),
    st.sampled_from(["alpha", "=", "alpha=", "=1", "approximate=tanh", "approximate=none,tanh", "a=b=c"]))
# Upper ends for integer options whose cost grows with their value; the
# values past either end of the range (rejected at once) are fuzzed anyway.
CHEAP_UP_TO = {"dpi": 40, "width": 8, "seeds": 2, "samples": 2000, "steps": 30, "num": 100, "jobs": 2, "frames": 3}
# Options added to a call that does not set them, to keep each call cheap;
# `gallery` only ever checks (regenerating the whole gallery per example is too slow).
CHEAP_WHEN_ABSENT = {"--dpi": ["20"], "--layers": ["3"], "--seeds": ["1"], "--samples": ["1000"], "--check": []}


def integers(param):
    """Integers in and just outside the option's range, and strings that are
    no integers."""
    low = param.type.min if param.type.min is not None else -(2 ** 70)
    high = param.type.max if param.type.max is not None else 2 ** 70
    cheap = min(high, CHEAP_UP_TO.get(param.name, high))
    outside = [v for v in (low - 1, high + 1) if abs(v) < 2 ** 70]
    return st.one_of(st.integers(low, cheap).map(str), st.sampled_from(outside + [low]).map(str),
                     st.sampled_from(["1_0", "0x10", "", "abc", "1e3", "١", "-"]))


def numbers(number_type):
    """The extreme numbers, and for a bounded `Number` its ends and beyond."""
    bounds = [v for v in (number_type.low, number_type.high) if math.isfinite(v)]
    if not bounds:
        return NUMBERS
    beyond = [repr(math.nextafter(v, v * 2 if v else 1.0)) for v in bounds] + [repr(-v * 2) for v in bounds]
    inside = st.floats(number_type.low, number_type.high).map(repr)
    return st.one_of(NUMBERS, st.sampled_from([repr(v) for v in bounds] + beyond), inside)


def values(param):
    """One value of `param`, as the text a person would type."""
    kind = param.type
    if isinstance(kind, ActivationName):
        return SPELLINGS
    if isinstance(kind, NumberOrInput):  # eval's X..., where --a and --b start a gated function's inputs
        return st.one_of(numbers(kind), st.sampled_from(["--a", "--b", "--a=1", "--b=-1e308", "--a="]))
    if isinstance(kind, Number):
        return numbers(kind)
    if isinstance(kind, click.IntRange):
        return integers(param)
    if isinstance(kind, click.Choice):
        return st.sampled_from([*kind.choices, "neon", ""])
    if isinstance(kind, click.Path):
        return FILE_NAMES
    if isinstance(kind, FigureText):
        return TEXTS
    if param.name == "params":
        return PARAMS
    if param.name in STRING_EXAMPLES:
        return st.one_of(st.sampled_from(STRING_EXAMPLES[param.name]), st.text(max_size=8))
    raise NotImplementedError(f"no values for {param.name!r} of type {kind!r}: teach the fuzzer its grammar")


def tokens(param):
    """The tokens for one use of `param`: a flag, an option and its nargs
    values, or an argument's values."""
    if isinstance(param, click.Option) and param.is_flag:
        return st.just([param.opts[0]])
    if isinstance(param, click.Argument):
        count = st.integers(0, 3) if param.nargs == -1 else st.sampled_from([1, 1, 1, 0, 2])
        return count.flatmap(lambda n: st.lists(values(param), min_size=n, max_size=n))
    option = st.sampled_from(param.opts)
    return st.tuples(option, st.lists(values(param), min_size=param.nargs, max_size=param.nargs)).map(
        lambda parts: [parts[0], *parts[1]])


def some_uses(param):
    """No use, one, or for a `multiple` option several."""
    most = 3 if getattr(param, "multiple", False) else 1
    if isinstance(param, click.Argument):
        return tokens(param)
    return st.lists(tokens(param), max_size=most).map(lambda uses: [t for use in uses for t in use])


COMMANDS = {name: cli.get_command(None, name) for name in cli.list_commands(None)}


def command_line(name):
    params = COMMANDS[name].params
    return st.tuples(*map(some_uses, params)).map(lambda groups: [name] + [t for g in groups for t in g])


CALLS = st.sampled_from(sorted(COMMANDS)).flatmap(command_line)


def cheaper(args):
    """`args` with the cheap settings of CHEAP_WHEN_ABSENT its command takes."""
    options = {opt for p in COMMANDS[args[0]].params for opt in p.opts}
    extra = [t for opt, value in CHEAP_WHEN_ABSENT.items() if opt in options and opt not in args
             for t in [opt, *value]]
    return args + extra


def _values_of(args, *flags):
    return [args[i + 1] for i, token in enumerate(args[:-1]) if token in flags]


def _output_target(args):
    return next(iter(_values_of(args, "-o", "--output", "--out")), None)


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


def test_the_grammar_covers_every_parameter_of_every_command():
    """An option of a type the fuzzer cannot generate fails here, not silently."""
    for command in COMMANDS.values():
        for param in command.params:
            if not getattr(param, "is_flag", False):
                values(param)


# One and a half times the profile's examples: 150 by default, 3000 with
# `--hypothesis-profile long`.
@pytest.mark.slow
@settings(max_examples=settings.default.max_examples * 3 // 2)
@given(CALLS)
def test_every_call_exits_0_or_2_with_one_error_line(args):
    args = cheaper(args)
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as where, inside(where):
        here = Path(where)
        (here / "existing_dir").mkdir()
        (here / "existing.png").write_bytes(b"old figure")
        (here / "locked").mkdir()
        (here / "locked").chmod(stat.S_IRUSR | stat.S_IXUSR)
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
            target = _output_target(args)
            for path, content in before.items():
                if target is None or path.resolve() != (here / target).resolve():
                    assert path.read_bytes() == content, (args, path)
        leftovers = [p.name for p in here.rglob(".*") if p.is_file()]
        assert not leftovers, f"temporary files left behind: {leftovers}"
