"""`actviz compare` with vector functions (compared through their two-class
form) and gated functions (a table of their own), as text, JSON and figure."""
import json
import re

import pytest
from click.testing import CliRunner

import actviz
from actviz import analysis, plotting
from actviz.cli import cli
from actviz.functions import GATED, REGISTRY, VECTOR
from actviz.teaching import compare

import audit

SIGMOID_ROW = "(0, 1)  yes      yes        C∞      no            left & right  no    0.25     0.25"


def run(*args):
    return CliRunner().invoke(cli, ["compare", *args])


def test_softmax_is_compared_through_its_two_class_form_which_is_the_sigmoid():
    result = run("softmax", "sigmoid")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "name                               range   bounded  monotonic  smooth  zero-centred  saturates     dead"
        "  max|f'|  f'(0)",
        f"softmax, 2 classes: p₁ of z₁ − z₂  {SIGMOID_ROW}",
        f"sigmoid                            {SIGMOID_ROW}",
    ]
    softmax, sigmoid = json.loads(run("softmax", "sigmoid", "--json").output)
    assert softmax.pop("name") == "softmax, 2 classes: p₁ of z₁ − z₂" and sigmoid.pop("name") == "sigmoid"
    assert softmax == sigmoid


def test_a_vector_function_takes_a_family_of_temperatures():
    rows = json.loads(run("softmax", "log_softmax", "-p", "temperature=0.5,2", "--json").output)
    assert [(row["name"], row["max|f'|"]) for row in rows] == [
        ("softmax(temperature=0.5), 2 classes: p₁ of z₁ − z₂", 0.5),
        ("softmax(temperature=2), 2 classes: p₁ of z₁ − z₂", 0.125),
        ("log_softmax(temperature=0.5), 2 classes: log p₁ of z₁ − z₂", 2.0),
        ("log_softmax(temperature=2), 2 classes: log p₁ of z₁ − z₂", 0.5),
    ]
    sparsemax, = json.loads(run("sparsemax", "--json").output)
    assert (sparsemax["range"], sparsemax["dead"], sparsemax["smooth"]) == ("[0, 1]", "(-∞, -1), (1, ∞)", "C0")


def test_softmin_is_decreasing_not_merely_not_monotonic():
    softmin, gaussian = json.loads(run("softmin", "gaussian", "--json").output)
    assert (softmin["monotonic"], gaussian["monotonic"]) == ("decreasing", False)
    assert "  decreasing  " in run("softmin").output
    assert not actviz.get("sigmoid").decreasing and actviz.get("sigmoid").monotonic


def test_gated_functions_get_a_table_of_their_own():
    result = run("reglu", "swiglu")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "name    gate  df/da = g(b) range  f = 0 besides a = 0  df/db = 0 besides a = 0  dead     smooth  max|g'|"
        "  g'(0)",
        "reglu   relu  [0, ∞)              b ≤ 0                b ≤ 0                    b ≤ 0    C0      1        0",
        "swiglu  silu  [≈-0.278, ∞)        b = 0                b ≈ -1.28                nowhere  C∞      1.1      0.5",
    ]


def test_the_gated_table_states_the_facts_info_states():
    """Where ∂f/∂b = 0 and the dead region come from the gate's own analysis,
    the same places `actviz info` lists: SwiGLU's ∂f/∂b is 0 at SiLU's
    minimum b = -1.278…, ReGLU's gradient is 0 for every a where b ≤ 0."""
    rows = {row["name"]: row for row in compare.gated_properties([actviz.get(n) for n in GATED])}
    swiglu = actviz.get("swiglu")
    minimum, = analysis.gate_flat(swiglu.gate)
    assert f"b = {analysis.format_number(minimum.lo)} (the minimum of silu)" in \
        analysis.gated_summary(swiglu)["df_db = 0 where"]
    assert minimum.lo == pytest.approx(-1.278464542761074) and swiglu.df_db(1.0, minimum.lo) == pytest.approx(0)
    assert [(n, r["df/db = 0 besides a = 0"], r["dead"], r["f = 0 besides a = 0"]) for n, r in rows.items()] == [
        ("glu", "nowhere", "nowhere", "nowhere"),
        ("reglu", "b ≤ 0", "b ≤ 0", "b ≤ 0"),
        ("geglu", "b ≈ -0.752", "nowhere", "b = 0"),
        ("swiglu", "b ≈ -1.28", "nowhere", "b = 0"),
        ("bilinear", "nowhere", "nowhere", "b = 0"),
    ]
    reglu = actviz.get("reglu")
    for b in (-3.0, -1e-300, 0.0):  # both partials 0, whatever a is
        assert reglu.df_da(7.0, b) == 0 and reglu.df_db(7.0, b) == 0
    assert [rows[n]["max|g'|"] for n in ("glu", "reglu", "bilinear")] == [0.25, 1.0, 1.0]
    assert rows["geglu"]["max|g'|"] == analysis.max_abs_derivative(actviz.get("gelu")).value


def test_where_b_joins_a_region_and_its_end_and_marks_rounded_numbers():
    place = analysis.GatePlace
    assert compare.where_b([place(-float("inf"), 0.0), place(0.0, 0.0, "kink")]) == "b ≤ 0"
    assert compare.where_b([place(1.0, float("inf"))]) == "b > 1"
    assert compare.where_b([place(-1.0, 2.0), place(2.0, 2.0, "kink"), place(-1 / 3, -1 / 3, "min")]) == \
        "b > -1 and b ≤ 2 or b ≈ -0.333"
    assert compare.where_b([]) == "nowhere"


def test_mixed_names_print_the_elementwise_table_a_blank_line_and_the_gated_table():
    result = run("sigmoid", "swiglu", "softmax")
    assert result.output == run("sigmoid", "softmax").output + "\n" + run("swiglu").output
    assert [line.split(" ")[0] for line in result.output.splitlines()] == [
        "name", "sigmoid", "softmax,", "", "name", "swiglu"]


def test_json_is_one_list_of_rows_each_with_its_own_keys():
    rows = json.loads(run("relu", "glu", "--json").output)
    assert [row["name"] for row in rows] == ["relu", "glu"]
    assert "gate" not in rows[0] and rows[1] == {
        "name": "glu", "gate": "sigmoid", "df/da = g(b) range": "(0, 1)", "f = 0 besides a = 0": "nowhere",
        "df/db = 0 besides a = 0": "nowhere", "dead": "nowhere", "smooth": "C∞", "max|g'|": 0.25, "g'(0)": 0.25}


def mixed(look, size="16:9"):
    acts = [actviz.get(n) for n in ("sigmoid", "relu", "softmax")]
    groups = [compare.properties(acts), compare.gated_properties([actviz.get(n) for n in ("swiglu", "reglu")])]
    return compare.figure(groups, plotting.parse_size(size), look=look)


def cells(fig):
    """{(table, row, column): text} from the cells' gids."""
    found = {}
    for text in fig.texts:
        match = re.fullmatch(r"cell-(?:(\d+)-)?(\d+)-(\d+)", text.get_gid() or "")
        if match:
            found[int(match[1] or 0), int(match[2]), int(match[3])] = text
    return found


@pytest.mark.parametrize("theme,size,lang", [("light", "16:9", "en"), ("light", "1:1", "zh"),
                                             pytest.param("dark", "4:3", "en", marks=pytest.mark.slow),
                                             pytest.param("print", "16:9", "zh", marks=pytest.mark.slow)])
def test_the_figure_stacks_both_tables_in_one_font_every_text_inside_and_apart(theme, size, lang):
    with plotting.theme(theme, lang=lang) as look:
        fig = mixed(look, size)
        assert audit.text_problems(fig) == []
        assert tuple(fig.get_size_inches()) == plotting.parse_size(size)
        found = cells(fig)
        assert len({t.get_fontsize() for t in found.values()}) == 1
        fig.draw_without_rendering()
        boxes = {key: t.get_window_extent() for key, t in found.items()}
        assert min(b.y0 for (g, _, _), b in boxes.items() if g == 0) > max(b.y1 for (g, _, _), b in boxes.items() if g)


def test_the_figure_says_what_each_row_is_and_the_gated_headers():
    with plotting.theme() as look:
        found = cells(mixed(look))
    assert found[0, 3, 0].get_text() == "softmax,\n2 classes:\np₁ of z₁ − z₂"
    header = [found[1, 0, c].get_text().replace("\n", " ") for c in range(9)]
    assert header == ["name", "gate g", "range of ∂f/∂a = g(b)", "f = 0 besides a\xa0=\xa00",
                      "∂f/∂b = 0 besides a\xa0=\xa00",
                      "dead", "smooth", "max|g′|", "g′(0)"]
    assert [found[1, 2, c].get_text() for c in range(6)] == ["reglu", "relu", "[0, ∞)", "b ≤ 0", "b ≤ 0", "b ≤ 0"]


def test_the_chinese_figure_translates_every_word():
    with plotting.theme(lang="zh") as look:
        found = cells(mixed(look))
    words = {w for t in found.values() for w in re.findall(r"[A-Za-z_]{3,}", t.get_text())}
    assert words <= {*REGISTRY, *GATED, *VECTOR, "max"}
    assert found[0, 3, 0].get_text() == "softmax，\n两类：\np₁ 作为 z₁ − z₂ 的函数"
    assert [found[1, 0, c].get_text().replace("\n", " ") for c in (1, 3, 5)] == ["门函数 g", "a≠0 时 f=0", "死区"]
    assert found[1, 1, 5].get_text() == "无"


def test_a_figure_of_gated_functions_only_is_one_table(tmp_path):
    path = tmp_path / "gated.svg"
    result = run("glu", "reglu", "geglu", "swiglu", "bilinear", "-o", str(path))
    assert result.exit_code == 0, result.output
    with plotting.theme() as look:
        fig = compare.figure([compare.gated_properties([actviz.get(n) for n in GATED])], look=look)
        assert audit.text_problems(fig) == []
    assert {key[0] for key in cells(fig)} == {0}


def test_the_mixed_figure_is_written(tmp_path):
    path = tmp_path / "mixed.png"
    result = run("sigmoid", "relu", "softmax", "swiglu", "reglu", "-o", str(path), "--dpi", "50")
    assert (result.exit_code, result.output) == (0, f"wrote {path} (400×225 px)\n")


def test_json_and_a_figure_are_one_or_the_other(tmp_path):
    result = run("relu", "--json", "-o", str(tmp_path / "table.png"))
    assert (result.exit_code, result.output) == (2, "Error: --json prints the table instead of drawing it; "
                                                    "drop -o or --json\n")
    assert list(tmp_path.iterdir()) == []
