"""Every formula actviz shows is true: each entry's plain text (`text`,
`dtext`: what `actviz info`, the explorer and the gallery's table print) and
mathtext (`latex`, `dlatex`: the figures' legends, in every language) is read
back as Python by tests/formula_text.py and evaluated across the plotting
range, at the default parameters, at each framework's preset and with each
parameter changed; it must give the kernel's f or f' to 1e-9.

Chinese figures show the same mathtext as English ones (no ZH table holds a
formula), so checking the mathtext checks them too.
"""
import dataclasses
import math
import re
from functools import lru_cache

import numpy as np
import pytest

from actviz.functions import PRESETS, REGISTRY, SELU_ALPHA, SELU_SCALE, Activation, ActvizError, get
from formula_text import CONSTANTS, FUNCTIONS, GREEK, FormulaError, mathtext_to_text, parse, python

# Each form and how it starts: what right_hand_side and the legends rely on.
FORMS = {"text": r"f\(x\) = ", "dtext": r"f'\(x\) = ", "latex": r"\$[^$=']+\(x\)=", "dlatex": r"\$[^$=']+'\(x\)="}
SAMPLES = 50
RELATIVE, ABSOLUTE = 1e-9, 1e-12  # the absolute part is scaled by the largest |f| in the range

# What a formula's letters stand for where they are not the parameters' own
# names (alpha as α, lambd as λ and p1 as p_1 are found without help).
SYMBOLS = {
    "leaky_relu": {"a": "negative_slope"},
    "prelu": {"a": "weight"},
    "rrelu": {"a": "(lower + upper)/2"},
    "selu": {"scale": SELU_SCALE, "alpha": SELU_ALPHA, "λ": SELU_SCALE, "α": SELU_ALPHA},
    "hardtanh": {"a": "min_val", "b": "max_val"},
    "hardsigmoid": {"w": "half_width"},  # `text` says so; `dtext` and the mathtext use it
    "threshold": {"θ": "threshold", "v": "value"},
    "star_relu": {"s": "scale", "b": "bias"},
    "srelu": {"t_l": "t_left", "a_l": "a_left", "t_r": "t_right", "a_r": "a_right"},
    "xielu": {"α_p": 0.8, "α_n": 0.8, "β": 0.5},  # transformers' XIELUActivation at initialisation
}

# (function, form, parameter, choice): the form shows the exact function
# while that choice computes an approximation of it, to this absolute error.
APPROXIMATIONS = {
    # The legend stays one short line; the tanh form is off by 4.7e-4 in f, 8.7e-4 in f'.
    ("gelu", "latex", "approximate", "tanh"): 1e-3,
    ("gelu", "dlatex", "approximate", "tanh"): 1e-3,
}

# (function, form, parameter): the form holds at that parameter's default
# only, and why it does not say more.
AT_DEFAULT = {
    ("softplus", "latex", "threshold"): "the legend shows softplus itself; PyTorch's shortcut to x above the "
                                        "threshold (off by default) is in `text`",
    ("softplus", "dlatex", "threshold"): "as for latex",
}

REGISTERED = {name: get(name) for name in REGISTRY}
CALLABLE = set(FUNCTIONS) | set(REGISTRY) | {"f"}


def parameter_sets(spec, form):
    """The defaults, each framework's preset, each parameter moved on its
    own (to every other choice, for a choice) and all moved at once, where
    `form` is meant to hold."""
    sets = [{}] + [dict(PRESETS[framework][spec.name]) for framework in PRESETS if spec.name in PRESETS[framework]]
    moved = {}
    for parameter in spec.params:
        default = parameter.default
        if (spec.name, form, parameter.name) in AT_DEFAULT:
            continue
        if parameter.choices:
            sets += [{parameter.name: choice} for choice in parameter.choices if choice != default]
            continue
        candidates = ([math.copysign(2.0, default)] if math.isinf(default) else [0.3, -0.3] if default == 0
                      else [default * 1.6, default * 0.55, default + 0.7, default - 0.7])
        value = next((v for v in candidates if _valid(spec, {parameter.name: v})), None)
        if value is not None:
            sets.append({parameter.name: value})
            moved[parameter.name] = value
    if len(moved) > 1 and _valid(spec, moved):
        sets.append(moved)
    return [get(spec.name, **changes) for changes in sets]


def _valid(spec, changes) -> bool:
    try:
        get(spec.name, **changes)
    except ActvizError:
        return False
    return True


def symbols(act) -> dict:
    """The parameters under every name a formula gives them, and the entry's own symbols."""
    values = dict(act.params)
    for name, value in act.params.items():
        if name in GREEK or name == "lambd":
            values[GREEK.get(name, "λ")] = value  # alpha: α, lambd (PyTorch's spelling): λ
        if m := re.fullmatch(r"([a-z]+)(\d+)", name):
            values[f"{m.group(1)}_{m.group(2)}"] = value  # p1: p_1
    for name, meaning in SYMBOLS.get(act.name, {}).items():
        values[name] = eval(python(meaning, set()), dict(values)) if isinstance(meaning, str) else meaning
    return values


def environment(act) -> dict:
    env = {name: (lambda v, a=other: float(a.f(v))) for name, other in REGISTERED.items()}
    env.update(FUNCTIONS, **CONSTANTS, f=lambda v: float(act.f(v)))
    env.update(symbols(act))
    return env


@lru_cache(maxsize=None)
def reader(name: str, form: str, source: str):
    """The compiled :class:`Formula` of one form of one entry."""
    spec = REGISTRY[name]
    choices = {choice: p.name for p in spec.params for choice in p.choices}
    bound = set(symbols(get(name)))
    if any(p.name == "sigma" for p in spec.params):  # laplace's σ is its width, not the sigmoid
        source = source.replace(r"\sigma", "σ")
    text = mathtext_to_text(source) if "latex" in form else source
    # f′'s formula may use the where-clauses of f's: they are shown together.
    inherited = reader(name, form[1:], getattr(spec, form[1:])).bindings if form.startswith("d") else {}
    return parse(text, choices, CALLABLE - bound - set(inherited), bound, inherited).compile()


def disagreements(act, form: str) -> list[str]:
    """Where the form `form` of `act`'s entry is not f (or f'), as sentences."""
    source = getattr(act.spec, form)
    if not re.match(FORMS[form], source):
        return [f"{form} {source!r} does not start as /{FORMS[form]}/"]
    try:
        formula = reader(act.name, form, source)
    except FormulaError as error:
        return [f"{form} {source!r} cannot be read: {error}"]
    derivative = form.startswith("d")
    kernel = act.df if derivative else act.f
    lo, hi = act.xlim
    xs = lo + (hi - lo) * (np.arange(SAMPLES) + 0.381966) / SAMPLES  # never exactly on a kink
    expected = np.asarray(kernel(xs), dtype=float)
    tolerance = RELATIVE * np.abs(expected) + ABSOLUTE * max(1.0, float(np.max(np.abs(expected))))
    for (entry, entry_form, parameter, choice), error in APPROXIMATIONS.items():
        if (entry, entry_form) == (act.name, form) and act.params.get(parameter) == choice:
            tolerance = np.maximum(tolerance, error)
    env = environment(act)
    wrong = []
    for x, want, tol in zip(xs, expected, tolerance):
        try:
            claimed = formula.values(float(x), env)
        except (FormulaError, ArithmeticError, NameError, TypeError) as error:
            wrong.append(f"{act.label} {form} at x = {x:.6g}: {type(error).__name__}: {error}")
            continue
        wrong += [f"{act.label} {form} {source!r} at x = {x:.6g}: {value!r}, the kernel {float(want)!r}"
                  for value in claimed if not abs(value - want) <= tol]
    for order, at, value in formula.points:
        point, claimed = eval(at, env), eval(value, env)
        want = float((act.df if order else act.f)(point))
        if not math.isclose(claimed, want, rel_tol=RELATIVE, abs_tol=ABSOLUTE):
            wrong.append(f"{act.label} {form} {source!r}: f{chr(39) * order}({point:g}) = {claimed!r}, "
                         f"the kernel {want!r}")
    return wrong


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("name", list(REGISTRY))
def test_formula_is_the_kernel(name, form):
    wrong = [line for act in parameter_sets(REGISTRY[name], form) for line in disagreements(act, form)]
    assert not wrong, f"{len(wrong)} disagreements, the first:\n" + "\n".join(wrong[:5])


@pytest.mark.parametrize("name, form, wrong", [
    ("silu", "text", "f(x) = x·sigmoid(2x)"),                                   # a coefficient
    ("relu", "dtext", "f'(x) = 1 if x > 0 else 0   (f'(0) = 1, as PyTorch)"),  # the value at the kink
    ("hardswish", "dtext", "f'(x) = 0 if x < -3, (2x + 3)/6 if -3 <= x <= 2, 1 if x > 3"),  # a gap
    ("elu", "latex", r"$f(x)=x$ if $x>0$, else $\alpha\,(e^{x}+1)$"),          # a sign
    ("softshrink", "dlatex", r"$f'(x)=1$ if $|x|>\lambda$, else $1$"),           # a piece
    ("gelu", "text", "f(x) = x·Phi(x)   [tanh form: x·sigmoid(sqrt(2/pi)(x + 0.044715x^3))]"),  # a variant
    ("tanh", "dlatex", r"$\tanh'(x)=1-\mathrm{tanhh}^2(x)$"),                    # a name no one knows
    ("abs", "dtext", "f'(x) = sign(x)   (f'(0) = 0, as TensorFlow)"),             # a note no one reads
    ("relu", "dtext", "f(x) = 1 if x > 0 else 0"),                                # f for f'
])
def test_a_wrong_formula_is_caught(name, form, wrong):
    spec = dataclasses.replace(REGISTRY[name], **{form: wrong})
    assert any(disagreements(Activation(spec, act.params), form)
               for act in parameter_sets(REGISTRY[name], form))
