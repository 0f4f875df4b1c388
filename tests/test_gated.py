"""Gated functions f(a, b) = a·g(b): their numbers against mpmath, the
command line as a user meets it, and what their figures show.

Accuracy is held to the elementwise bound, 4 ulps × (1 + κ), where κ is the
relative condition number of the two-input function: for the product a·v
(v = g(b) or g′(b)), κ = 1 + κ_v(b).
"""
import json
import math
from types import SimpleNamespace

import mpmath as mp
import numpy as np
import pytest
from click.testing import CliRunner

import actviz
from actviz import plotting, surface
from actviz.cli import cli
from actviz.functions import GATED, ActvizError, Gated
from actviz.look import Look

import audit
from marks import sampled
from reference import derivative, reference
from test_functions import MAX, TINY, ULPS, clear_of, condition, grid, ulp_error

NAMES = list(GATED)
QUICK_NAMES = ("reglu",)  # a gate with a kink and exact zeros
A = [0.0, 5e-324, 1e-300, 1e-8, 0.75, 3.0, 1e5, 1e300, MAX]
A = sorted({*A, *(-a for a in A)})
QUICK_B = [1e-300, 0.5, 1.0, 3.0, 37.0, 710.0, 1e5, 1e300]
QUICK_B = sorted({0.0, *QUICK_B, *(-b for b in QUICK_B)})


def run(*args):
    return CliRunner().invoke(cli, list(args), prog_name="actviz")


def check(gated: Gated, quantity: str, bs) -> list[str]:
    """Every (a, b) of A × bs within 4 ulps × (1 + κ) of mpmath, where the
    gate's value (or slope) is 0 or a normal double (see the module's docstring)."""
    gate = gated.gate
    ref = reference(gate)
    evaluate = getattr(gated, quantity)
    failures = []
    for b in bs:
        if not clear_of(gate.derivative_jumps, b):
            continue
        value, slope = ref(b), derivative(ref, b)
        if quantity == "df_db":
            value, slope = slope, derivative(ref, b, order=2)
        if value != 0 and abs(value) < TINY:
            continue
        kappa = condition(b, value, slope) + (quantity != "df_da") if value != 0 else 0.0
        for a, got in zip(A, evaluate(np.array(A), b).tolist()):
            true = value if quantity == "df_da" else mp.mpf(a) * value
            error = ulp_error(got, true)
            if error > ULPS * (1 + kappa) or (true == 0 and got != 0):
                failures.append(f"{gated.name} {quantity}({a!r}, {b!r}) = {got!r}, true {mp.nstr(true, 20)}, "
                                f"{error:.3g} ulps, κ = {kappa:.3g}")
    return failures


@pytest.mark.parametrize("quantity", ["f", "df_da", "df_db"])
@pytest.mark.parametrize("name", sampled(NAMES, QUICK_NAMES))
def test_values_and_partials_are_accurate_at_hard_points(name, quantity):
    failures = check(actviz.get(name), quantity, QUICK_B)
    assert not failures, "\n".join(failures[:10])


@pytest.mark.slow
@pytest.mark.parametrize("quantity", ["f", "df_da", "df_db"])
@pytest.mark.parametrize("name", NAMES)
def test_values_and_partials_are_accurate_on_the_elementwise_grid(name, quantity):
    gated = actviz.get(name)
    failures = check(gated, quantity, grid(gated.gate))
    assert not failures, "\n".join(failures[:10])


def test_the_accuracy_check_can_fail():
    sigmoid = actviz.get("sigmoid")
    off_by_ulps = SimpleNamespace(name="glu", gate=sigmoid, f=lambda a, b: np.asarray(a) * sigmoid.f(b) * (1 + 1e-15))
    assert check(off_by_ulps, "f", [0.5])


def test_the_convention_is_pytorchs_first_half_times_gate_of_second_half():
    glu, swiglu = actviz.get("glu"), actviz.get("swiglu")
    assert glu.f(2.0, 0.0) == 1.0 and glu.f(0.0, 2.0) == 0.0
    assert swiglu.f(1.0, 0.5) == actviz.get("silu").f(0.5)
    assert actviz.get("bilinear").f([1.0, -2.0], 3.0).tolist() == [3.0, -6.0]
    assert actviz.get("reglu").f([2.0, 2.0], [-1.0, 1.5]).tolist() == [0.0, 3.0]


def test_partials_take_the_gates_side_at_its_kink_and_ieee_products_elsewhere():
    reglu = actviz.get("reglu")
    assert reglu.df_db(3.0, [0.0, 1e-300, -1e-300]).tolist() == [0.0, 3.0, 0.0]  # relu′(0) = 0, as PyTorch
    assert reglu.df_da(np.nan, 1.0).tolist() != reglu.df_da(np.nan, 1.0).tolist()  # NaN in, NaN out
    glu = actviz.get("glu")
    assert glu.f(2.0, np.inf) == 2.0 and glu.f(2.0, -np.inf) == 0.0  # the gate's limits
    assert math.isnan(glu.f(np.inf, -np.inf)) and math.isnan(reglu.f(0.0, np.inf))  # ∞·0
    assert glu.f(MAX, 10.0) == MAX * actviz.get("sigmoid").f(10.0)
    assert actviz.get("bilinear").f(MAX, 2.0) == np.inf  # the true product is beyond the doubles


def test_inputs_broadcast_or_fail_with_one_sentence():
    swiglu = actviz.get("swiglu")
    assert swiglu.f(np.ones((2, 1)), np.arange(3.0)).shape == (2, 3)
    assert isinstance(swiglu.f(1.0, 2.0), np.float64)
    with pytest.raises(ActvizError, match=r"^a and b must have shapes that broadcast together; got \(2,\) and \(3,\)$"):
        swiglu.f([1.0, 2.0], [1.0, 2.0, 3.0])


def test_names_parameters_and_the_elementwise_registry():
    assert isinstance(actviz.get("SwiGLU"), Gated) and actviz.get("swiglu").gate.name == "silu"
    assert not set(GATED) & set(actviz.names())
    for call, message in [
            (lambda: actviz.get("swiglo"), "unknown activation 'swiglo'; did you mean 'swiglu'?"),
            (lambda: actviz.get("geglu", approximate="tanh"),
             "geglu takes no parameters and no preset (its gate is PyTorch's gelu)"),
            (lambda: actviz.get("geglu", preset="jax"), "geglu takes no parameters and no preset (its gate is PyTorch's gelu)"),
    ]:
        with pytest.raises(ActvizError) as error:
            call()
        assert str(error.value) == message


# ---------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------

def test_list_has_a_section_of_gated_functions():
    out = run("list").output
    section = next(part for part in out.split("\n\n") if part.startswith("Gated")).splitlines()
    assert section[0] == ("Gated functions of two inputs, f(a, b) = a·g(b); a is the first half of the input, "
                          "b the second (PyTorch's F.glu):")
    assert [line.split()[0] for line in section[1:]] == NAMES
    assert "[gate g = silu]" in section[NAMES.index("swiglu") + 1]


def test_info_states_formula_partials_gate_convention_and_zero_sets():
    result = run("info", "reglu")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "  f(a, b)      a·max(0, b)" in lines
    assert "  ∂f/∂a        max(0, b)" in lines
    assert "  convention   f(a, b) = a·g(b): a is the first half of the input, b the second (PyTorch's F.glu)" in lines
    assert "  f = 0        where a = 0 or b ≤ 0" in lines
    assert "  ∂f/∂b = 0    where a = 0 or b in (-∞, 0) or b = 0 (PyTorch's one-sided g′ there)" in lines
    facts = json.loads(run("info", "swiglu", "--json").output)
    assert facts["gate"] == "silu" and facts["f = 0 where"] == ["a = 0", "b = 0"]
    assert facts["df_db = 0 where"] == ["a = 0", "b = -1.278464543 (the minimum of silu)"]
    assert facts["g'(0)"] == 0.5 and facts["df_da range"] == "[-0.278465, ∞)"
    assert json.loads(run("info", "glu", "--json").output)["f = 0 where"] == ["a = 0"]  # σ(b) > 0


def test_eval_takes_two_inputs_and_broadcasts_one_value():
    result = run("eval", "swiglu", "--a", "1", "-2", "--b", "0.5", "-d", "--format", "csv")
    swiglu = actviz.get("swiglu")
    a, b = np.array([1.0, -2.0]), 0.5
    rows = [",".join(repr(float(v)) for v in row) for row in
            zip(a, [b, b], swiglu.f(a, b), swiglu.df_da(a, b), swiglu.df_db(a, b))]
    assert result.exit_code == 0 and result.output == "a,b,f,df_da,df_db\n" + "\n".join(rows) + "\n"
    data = json.loads(run("eval", "glu", "--b", "0", "--a=2", "-inf", "--format", "json").output)
    assert data == {"name": "glu", "parameters": {}, "a": [2.0, "-Infinity"], "b": [0.0, 0.0], "f": [1.0, "-Infinity"]}
    table = run("eval", "reglu", "--a", "2", "--b", "-1", "3", "-d").output.splitlines()
    assert table[0].split() == ["a", "b", "reglu(a,", "b)", "∂f/∂a", "∂f/∂b"]
    assert table[2].split() == ["2.0", "3.0", "6.0", "3.0", "2.0"]


@pytest.mark.parametrize("args,message", [
    (["eval", "relu", "--a", "1"], "--a and --b are the two inputs of a gated function (glu, reglu, geglu, swiglu, "
                                   "bilinear); relu takes points X..."),
    (["eval", "swiglu", "1", "2"], "swiglu is a function of two inputs: give them as --a A... --b B..., "
                                   "e.g. `actviz eval swiglu --a 1 2 --b 0.5`"),
    (["eval", "swiglu", "--a", "1", "2"], "swiglu needs values for --b, e.g. `actviz eval swiglu --a 1 2 --b 0.5`"),
    (["eval", "swiglu", "--a", "1", "2", "--b", "1", "2", "3"],
     "--a has 2 values and --b 3: give as many of each, or a single value for either"),
    (["eval", "swiglu", "--a", "x", "--b", "1"], "Invalid value for 'X...': 'x' is not a number."),
    (["eval", "swiglu", "--a", "1", "--b", "1", "--range", "0", "1"],
     "--range does not apply to swiglu, a gated function of two inputs"),
    (["eval", "swiglu", "--a", "1", "--b", "1", "-p", "beta=2"],
     "--param does not apply to swiglu, a gated function of two inputs"),
    (["info", "swiglu", "--threshold", "0.1"], "--threshold does not apply to swiglu, a gated function of two inputs"),
    (["plot", "swiglu", "--layout", "side", "-d"], "--layout does not apply to swiglu, a gated function of two inputs"),
    (["plot", "swiglu", "--term"], "--term does not apply to swiglu, a gated function of two inputs"),
    (["plot", "swiglu", "--beamer-overlays"], "--beamer-overlays does not apply to swiglu, a gated function of two inputs"),
    (["plot", "swiglu", "--preset", "jax"], "--preset does not apply to swiglu, a gated function of two inputs"),
    (["plot", "swiglu", "relu"], "swiglu is a function of two inputs, drawn as a map of its own: plot it alone"),
    (["plot", "relu", "--gate"], "--gate draws the gate of a gated function (glu, reglu, geglu, swiglu, bilinear) "
                                 "beside its map"),
    (["plot", "swiglu", "-o", "swiglu.tex"], "cannot write 'swiglu.tex': the suffix must be .png, .svg or .pdf"),
    (["plot", "swiglu", "--xlim", "1", "0"], "--xlim needs LO < HI; got 1.0 0.0"),
    (["depth", "swiglu"], "Invalid value for '[NAMES]...': swiglu is a gated function of two inputs, f(a, b) = a·g(b), "
                          "which `actviz plot`, `info`, `eval` and `compare` take; this command takes functions of one "
                          "input"),
    (["compare", "glu", "-p", "beta=2"], "glu takes no parameters and no preset (its gate is PyTorch's sigmoid)"),
    (["compare", "glu", "relu", "--cost"], "--cost times elementwise functions; glu is a gated function of two inputs"),
])
def test_what_makes_no_sense_for_a_gated_function_is_one_error_line(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2 and result.stderr == f"Error: {message}\n" and result.stdout == ""
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------
# The figures
# ---------------------------------------------------------------------------

def panels(fig):
    return {ax.get_gid(): ax for ax in fig.axes if ax.get_gid()}


@pytest.mark.parametrize("name", sampled(NAMES, QUICK_NAMES))
def test_the_figure_has_its_panels_labels_title_and_colour_bars_inside_the_canvas(name):
    gated = actviz.get(name)
    fig = surface.figure(gated, surface.SurfaceOptions(derivative=True, gate=True))
    found = panels(fig)
    assert list(found) == ["gate", "f", "df_da", "df_db"]
    assert len(fig.axes) == 4 + 3  # and a colour bar for each map
    assert found["gate"].get_ylabel() == "b (the gate's input)" and found["gate"].get_xlabel() == "$g(b)$"
    assert all(found[q].get_xlabel() == "a" for q in surface.QUANTITIES)
    assert found["df_db"].get_title() == r"$\partial f/\partial b=a\,g'(b)$"
    title = fig._suptitle.get_text().replace("\n", " ")
    assert title == f"{name}: {gated.spec.text}; a is the first half of the input, b the second (PyTorch's F.glu)"
    assert audit.text_problems(fig) == []
    labels = [t for c in found["f"].collections for t in getattr(c, "labelTexts", [])]
    assert labels and all(t.get_rotation() == 0 for t in labels)


def test_a_region_where_the_function_is_zero_for_every_a_is_hatched_and_named():
    def hatched(name):
        fig = surface.figure(actviz.get(name), surface.SurfaceOptions(derivative=True))
        zero = {q: any(c.get_gid() == "zero-region" for c in ax.collections) for q, ax in panels(fig).items()}
        legend = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
        return zero, legend
    assert hatched("reglu") == ({"f": True, "df_da": True, "df_db": True}, ["hatched: exactly 0 for every a"])
    assert hatched("swiglu") == ({"f": False, "df_da": False, "df_db": False}, [])


def test_no_contour_runs_along_the_jump_of_the_partial():
    """∂f/∂b = a·relu′(b) jumps from 0 to a at b = 0: each side is its own
    band, and no contour line lies on the jump."""
    fig = surface.figure(actviz.get("reglu"), surface.SurfaceOptions(derivative=True))
    ax = panels(fig)["df_db"]
    assert surface.bands(actviz.get("reglu"), "df_db", (-4.0, 4.0)) == [(-4.0, -5e-324), (5e-324, 4.0)]
    paths = [p for c in ax.collections if c.get_gid() == "reglu-df_db-contours" for p in c.get_paths()]
    assert paths and min(p.vertices[:, 1].min() for p in paths if len(p.vertices)) > 0
    on_jump = [p.vertices[i] for p in paths for i in range(len(p.vertices) - 1)
               if abs(p.vertices[i, 1]) < 1e-3 and abs(p.vertices[i + 1, 1]) < 1e-3]
    assert on_jump == []


@pytest.mark.slow
@pytest.mark.parametrize("look", [Look("dark"), Look("print", font_scale=1.3), Look(lang="zh")])
def test_every_look_keeps_the_texts_inside_and_apart(look):
    fig = surface.figure(actviz.get("glu"), surface.SurfaceOptions(derivative=True, gate=True), look)
    with plotting.styled(look):  # the figure is drawn in its look (for zh, with the CJK font of the [zh] extra)
        assert audit.text_problems(fig) == []


def test_plot_writes_the_map_and_says_so(tmp_path):
    result = run("plot", "swiglu", "-d", "--gate", "--dpi", "40", "-o", str(tmp_path / "s.png"))
    assert result.exit_code == 0 and result.output.startswith(f"wrote {tmp_path / 's.png'} (")
    width, height = audit.png_size(tmp_path / "s.png")
    assert height == 4.5 * 40 and width > 8 * 40  # grown to give each of four panels room
    result = run("plot", "geglu", "--xlim", "-1", "1", "--ylim", "-2", "5", "--lang", "zh", "-o", str(tmp_path / "g.svg"))
    assert result.exit_code == 0


@pytest.mark.slow
@pytest.mark.parametrize("ranges", [("--ylim", "800", "900"), ("--xlim", "-1e-300", "1e-300", "--ylim", "-1e-300", "1e-300"),
                                    ("--xlim", "-1e300", "1e300")])
def test_constant_tiny_and_huge_maps_are_drawn(ranges, tmp_path):
    """∂f/∂a = σ(b) is 1 to the last bit for b ≥ 37: a panel with no contour."""
    result = run("plot", "glu", "-d", "--gate", *ranges, "--dpi", "30", "-o", str(tmp_path / "g.png"))
    assert result.exit_code == 0, result.output
