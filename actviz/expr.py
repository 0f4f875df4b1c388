r"""Activation functions actviz did not write: a formula of your own, a
Python callable of your own, and the functions a third-party package
registers under the entry-point group ``actviz.functions``.

Each becomes an ordinary :class:`~actviz.functions.Activation`, so that
every command and figure takes it unchanged.  What actviz cannot know about
it is estimated and says so: its range, its limits at ±∞, its monotonicity
and symmetry are read from samples, and its :attr:`Spec.caveats` (printed by
``actviz info``, and shortened to a note on every figure) say that its
accuracy is not verified.

A formula is read with Python's own grammar into a syntax tree that is
never evaluated: each node is checked against a short list (numbers, ``x``,
parameters, ``+ - * / ** ^``, calls of known functions) and built into a
sympy expression node by node.  sympy's own ``parse_expr`` is not used,
since it runs Python's ``eval`` on the text it has transformed.  The
expression is differentiated symbolically twice, rewritten where a textbook
form loses digits (``log(1 + u)`` as ``log1p(u)``, ``exp(u) − 1`` as
``expm1(u)``) and compiled by ``lambdify`` to numpy.  The registry's
functions are sympy functions inside a formula: their values are actviz's
own kernels and their derivatives its f′ and f″, so ``sigmoid(beta*x)``
differentiates to ``beta*sigmoid'(beta*x)``, evaluated by sigmoid's f′.
"""
from __future__ import annotations

import ast
import difflib
import importlib
import math
import re
import sys
import warnings
from typing import Any, Callable, Mapping

import numpy as np

from .functions import ALIASES, EXTERNAL, REGISTRY, Activation, ActvizError, Interval, Parameter, Spec, get

INSTALL = "pip install 'actviz[expr]'"
UNVERIFIED = "accuracy not verified"
ENTRY_POINTS = "actviz.functions"
MAX_LENGTH = 2000  # characters of a formula; a longer one is a mistake (or an attack on sympy)

# Functions a formula may call, each by the sympy name it stands for.
ELEMENTARY = {
    "exp": "exp", "log": "log", "ln": "log", "sqrt": "sqrt", "abs": "Abs", "sign": "sign",
    "sin": "sin", "cos": "cos", "tan": "tan", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh",
    "asin": "asin", "acos": "acos", "atan": "atan", "arcsin": "asin", "arccos": "acos", "arctan": "atan",
    "asinh": "asinh", "acosh": "acosh", "atanh": "atanh", "arcsinh": "asinh", "arccosh": "acosh",
    "arctanh": "atanh", "erf": "erf", "erfc": "erfc", "max": "Max", "min": "Min", "heaviside": "Heaviside",
    "log1p": "log1p", "expm1": "expm1",
}
CONSTANTS = {"pi": "pi", "e": "E"}
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}


def _sympy():
    try:
        import sympy
    except ImportError:
        raise ActvizError(f"formulas need sympy, which is not installed: {INSTALL}") from None
    return sympy


# ---------------------------------------------------------------------------
# The registry's functions as sympy functions
# ---------------------------------------------------------------------------

_CLASSES: dict[tuple, Any] = {}


def _registry_function(act: Activation):
    """The sympy function class of `act`: it evaluates by act.f, and its
    derivative is a function evaluated by act.df, whose derivative is one
    evaluated by act.d2f.  Printed as the registry names it ('elu(alpha=0.5)'
    with parameters other than the defaults) with primes for derivatives."""
    key = (act.name, tuple(sorted(act.params.items())))
    if key in _CLASSES:
        return _CLASSES[key]
    sp = _sympy()
    shown = act.label
    tex = r"\mathrm{" + act.name.replace("_", r"\_") + "}"
    internal = f"{act.name}_{len(_CLASSES)}"  # unique in a lambdify namespace
    classes = []
    for order, kernel in enumerate((act.f, act.df, act.d2f)):
        prime = "'" * order
        classes.append(type(f"{internal}_d{order}", (sp.Function,), {
            "nargs": 1,
            "actviz_kernel": staticmethod(kernel),
            "actviz_breaks": tuple(sorted({*act.kinks, *act.jumps, *act.smooth_breaks})) if order == 0 else (),
            "_sympystr": lambda self, printer, p=prime: f"{shown}{p}({printer._print(self.args[0])})",
            "_latex": lambda self, printer, p=prime: rf"{tex}{p}\left({printer._print(self.args[0])}\right)",
        }))
    for cls, derivative in zip(classes, classes[1:]):
        cls.fdiff = lambda self, argindex=1, d=derivative: d(self.args[0])
    _CLASSES[key] = classes[0]
    return classes[0]


# ---------------------------------------------------------------------------
# Reading a formula
# ---------------------------------------------------------------------------

def _hint(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _callable_names():
    return {**ELEMENTARY, **{n: n for n in (*REGISTRY, *ALIASES) if n not in ELEMENTARY}}


class _Builder:
    """Builds the sympy expression of a checked syntax tree, node by node."""

    def __init__(self, sp):
        self.sp = sp
        self.x = sp.Symbol("x", real=True)
        self.symbols: dict[str, Any] = {}

    def build(self, node):
        sp = self.sp
        if isinstance(node, ast.Expression):
            return self.build(node.body)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise ActvizError(f"{node.value!r} is not a real number")
            if isinstance(node.value, float) and not math.isfinite(node.value):
                raise ActvizError("a number in the formula is beyond the double range")
            return sp.Integer(node.value) if isinstance(node.value, int) else sp.Float(node.value)
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            value = self.build(node.operand)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            left, right = self.build(node.left), self.build(node.right)
            if isinstance(node.op, ast.Pow):
                return self.power(left, right)
            return {ast.Add: lambda: left + right, ast.Sub: lambda: left - right,
                    ast.Mult: lambda: left * right, ast.Div: lambda: left / right}[type(node.op)]()
        if isinstance(node, ast.Call):
            return self.call(node)
        what = {ast.Attribute: "attribute access ('.')", ast.Lambda: "lambda", ast.Subscript: "indexing ('[]')",
                ast.Compare: "a comparison", ast.BoolOp: "and/or", ast.IfExp: "if/else", ast.List: "a list",
                ast.Tuple: "a tuple", ast.Set: "a set", ast.Dict: "a dict", ast.JoinedStr: "an f-string",
                ast.UnaryOp: f"the operator {getattr(node, 'op', None).__class__.__name__}",
                ast.BinOp: f"the operator {getattr(node, 'op', None).__class__.__name__}"}.get(type(node))
        raise ActvizError(f"{what or type(node).__name__} is not allowed in a formula; "
                          f"use numbers, x, parameters, + - * / ^ and functions such as exp, tanh, sigmoid")

    def name(self, name: str):
        sp = self.sp
        if name.startswith("_"):
            raise ActvizError(f"{name!r} is not allowed in a formula")
        if name == "x":
            return self.x
        if name in CONSTANTS:
            return getattr(sp, CONSTANTS[name])
        if name in _callable_names():
            raise ActvizError(f"{name} is a function: write {name}(x)")
        return self.symbols.setdefault(name, sp.Symbol(name, real=True))

    def power(self, base, exponent):
        """base ** exponent; of two numbers, only when the result is a double
        (sympy would otherwise compute 9^9^9 exactly, for ever)."""
        if base.is_number and exponent.is_number:
            try:
                value = float(base) ** float(exponent)
            except OverflowError:
                value = math.inf
            except (TypeError, ZeroDivisionError, ValueError):
                value = 0.0
            if isinstance(value, complex) or not math.isfinite(value):
                raise ActvizError(f"{base}^{exponent} is not a finite real number")
            if abs(float(exponent)) > 64:
                return self.sp.Float(value)
        return base ** exponent

    def call(self, node: ast.Call):
        sp = self.sp
        if not isinstance(node.func, ast.Name):
            return self.build(node.func)  # raises: only plain names are called
        name = node.func.id
        if name.startswith("_"):
            raise ActvizError(f"{name!r} is not allowed in a formula")
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            raise ActvizError("* and ** are not allowed in a call in a formula")
        args = [self.build(a) for a in node.args]
        if name in ELEMENTARY:
            if node.keywords:
                raise ActvizError(f"{name} takes no parameters by name")
            if name in ("log1p", "expm1"):
                from sympy.codegen.cfunctions import expm1, log1p
                function = {"log1p": log1p, "expm1": expm1}[name]
            else:
                function = getattr(sp, ELEMENTARY[name])
            try:
                if name in ("max", "min") and len(args) < 2:
                    raise TypeError  # sympy takes max() for −∞ and max(x) for x
                return function(*args)
            except TypeError:
                wanted = "two or more arguments" if name in ("max", "min") else "one argument"
                raise ActvizError(f"{name} takes {wanted}; got {len(args)}") from None
        if name in REGISTRY or name in ALIASES:
            if len(args) != 1:
                raise ActvizError(f"{name} takes one argument (its parameters by name: {name}(x, key=value)); "
                                  f"got {len(args)}")
            params = {k.arg: self.constant(k.value, f"{name}'s {k.arg}") for k in node.keywords}
            return _registry_function(get(name, **params))(args[0])
        raise ActvizError(f"unknown function {name!r} in the formula{_hint(name, _callable_names())}")

    def constant(self, node, what):
        """A parameter value given inside a formula: a number or a word."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        value = self.build(node)
        if not value.is_number:
            raise ActvizError(f"{what} must be a number, not {value}")
        return float(value)


def _parse(text: str, sp):
    """The sympy expression of `text` and its builder (for x and the symbols)."""
    if not text.strip():
        raise ActvizError("the formula is empty; give one such as --expr 'x*tanh(softplus(x))'")
    if len(text) > MAX_LENGTH:
        raise ActvizError(f"the formula is {len(text)} characters long, over the limit of {MAX_LENGTH}")
    try:
        tree = ast.parse(text.strip().replace("^", "**"), mode="eval")
    except SyntaxError as error:
        where = f" at character {error.offset}" if error.offset else ""
        raise ActvizError(f"the formula {text.strip()!r} is not valid{where}: {error.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ActvizError("the formula is nested too deeply to read") from None
    hidden = [n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id.startswith("_")]
    if hidden:
        raise ActvizError(f"{hidden[0]!r} is not allowed in a formula")
    builder = _Builder(sp)
    try:
        expression = builder.build(tree)
    except RecursionError:
        raise ActvizError("the formula is nested too deeply to read") from None
    if any(abs(number) > np.finfo(float).max for number in expression.atoms(sp.Number) if number.is_finite):
        raise ActvizError("a number in the formula is beyond the double range")
    if expression.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise ActvizError(f"the formula {text.strip()!r} divides by zero (or is infinite) for every x")
    return expression, builder


# ---------------------------------------------------------------------------
# Compiling
# ---------------------------------------------------------------------------

def _namespace(expressions, complex_values=False) -> dict:
    """The registry kernels an expression calls, by their internal names;
    for complex arguments, each is taken on real arguments only."""
    sp = _sympy()
    found = {}
    for expression in expressions:
        for function in expression.atoms(sp.Function):
            kernel = getattr(type(function), "actviz_kernel", None)
            if kernel is not None:
                found[type(function).__name__] = _on_real_part(kernel) if complex_values else kernel
    return found


def _on_real_part(kernel):
    def evaluate(z):
        z = np.asarray(z, dtype=complex)
        return np.where(z.imag == 0, kernel(z.real), np.nan).astype(complex)
    return evaluate


def _compile(expressions, arguments, complex_values=False):
    sp = _sympy()
    from sympy.codegen.rewriting import expm1_opt, log1p_opt, optimize
    rewritten = [optimize(e, (log1p_opt, expm1_opt)) for e in expressions]
    return sp.lambdify(arguments, rewritten, modules=[_namespace(expressions, complex_values), "scipy", "numpy"])


def _kernel(compiled, index, names):
    """Kernel `index` of a compiled list as a registry kernel: g(x, **params)
    → a float64 array of x's shape, numpy's warnings silenced (an overflow to
    inf, 0·inf = NaN, are the values)."""
    def kernel(x, **params):
        with np.errstate(all="ignore"):
            out = compiled(x, *(params[n] for n in names))[index]
        return np.array(np.broadcast_to(np.asarray(out, dtype=np.float64), np.shape(x)))
    return kernel


# ---------------------------------------------------------------------------
# Facts estimated from samples
# ---------------------------------------------------------------------------

_FAR = np.array([1e20, 1e50, 1e100, 1e150, 1e200, 1e250, 1e300])
_NEAR = np.concatenate([np.linspace(-50, 50, 4001), np.geomspace(1e-300, 1e3, 300), -np.geomspace(1e-300, 1e3, 300)])
PROBE = np.sort(np.concatenate([-_FAR, _NEAR, _FAR]))
# Where f′ is checked against a numerical derivative: away from 0, where kinks usually are.
CHECK_POINTS = np.array([-3.7, -1.3, -0.45, 0.35, 1.1, 2.9])


def _limit(g, sign: float) -> float:
    """g(sign·∞) estimated from g far out: the value the last samples agree
    on (0 for what is below 1e-12), ±∞ where they grow past 1e100 or
    overflow, NaN otherwise."""
    with np.errstate(all="ignore"):
        y = np.asarray(g(sign * _FAR), dtype=float)[-3:]
    if np.all(np.isinf(y)) and len(set(np.sign(y))) == 1:
        return float(y[-1])
    if not np.all(np.isfinite(y)):
        return math.nan
    if np.all(np.abs(y) > 1e100) and len(set(np.sign(y))) == 1 and np.all(np.diff(np.abs(y)) > 0):
        return math.copysign(math.inf, y[-1])
    if np.all(np.abs(y - y[-1]) <= 1e-9 * max(1.0, abs(y[-1]))):
        return float(y[-1]) if abs(y[-1]) > 1e-12 else 0.0
    return math.nan


def _extreme(f, params, x, y, sign: float) -> float:
    """The least (sign 1) or greatest (sign −1) of f's samples y at x,
    sampled again more finely between its neighbours, twice, so that an
    interior minimum (mish's) is found to about ten digits, not three."""
    for _ in range(3):
        i = int(np.argmin(sign * y))
        fine_x = np.linspace(x[max(i - 1, 0)], x[min(i + 1, len(x) - 1)], 2001)
        with np.errstate(all="ignore"):
            fine_y = f(fine_x, **params)
        keep = np.isfinite(fine_y)
        x, y = np.append(fine_x[keep], x[i]), np.append(fine_y[keep], y[i])
        order = np.argsort(x)
        x, y = x[order], y[order]
    return float(sign * np.min(sign * y)) + 0.0


def _estimated_facts(f, df, params, locate=None) -> dict:
    """Range, limits, monotonicity and symmetry of f(x, **params) from
    samples; with `locate` (params → the x where f′ or f may jump, and how
    far either side to look), its kinks and jumps."""
    y = f(PROBE, **params)
    limits = (_limit(lambda t: f(t, **params), -1.0), _limit(lambda t: f(t, **params), 1.0))
    finite = np.isfinite(y)
    lo, hi = (_extreme(f, params, PROBE[finite], y[finite], sign) for sign in (1.0, -1.0)) if finite.any() \
        else (math.nan, math.nan)
    # An end that is also a limit at ±∞ is only approached (tanh's ±1, though
    # tanh(20) rounds to 1), unless f takes it near 0 already (ReLU's 0).
    central = y[np.abs(PROBE) <= 1]
    lo_closed, hi_closed = True, True
    for limit in limits:
        if limit < lo or limit == -math.inf or (limit == lo and not np.any(central == lo)):
            lo, lo_closed = limit, False
        if limit > hi or limit == math.inf or (limit == hi and not np.any(central == hi)):
            hi, hi_closed = limit, False
    slope = df(PROBE, **params)
    slope = slope[np.isfinite(slope)]
    near = np.linspace(0.05, 20, 400)
    up, down = f(near, **params), f(-near, **params)
    both = np.isfinite(up) & np.isfinite(down)
    symmetry = ("odd" if both.any() and np.allclose(down[both], -up[both], rtol=1e-12, atol=1e-300) else
                "even" if both.any() and np.allclose(down[both], up[both], rtol=1e-12, atol=1e-300) else "none")
    breaks = _classify(f, df, params, *locate(params)) if locate else {}
    return {
        **breaks,
        "output_range": Interval(lo, hi, lo_closed, hi_closed),
        "limits": limits,
        "dlimits": (_limit(lambda t: df(t, **params), -1.0), _limit(lambda t: df(t, **params), 1.0)),
        "monotonic": True if np.all(slope >= 0) else "decreasing" if np.all(slope <= 0) else False,
        "symmetry": symmetry,
    }


def derivative_check(act: Activation, points=CHECK_POINTS) -> float:
    """The largest relative difference between act.df and a five-point
    central difference of act.f at `points` (h = 10⁻³·max(1, |x|): a
    truncation error of order h⁴ and a rounding error of order ε/h, both
    near 1e-12)."""
    h = 1e-3 * np.maximum(1.0, np.abs(points))
    f = act.f
    numerical = (f(points - 2 * h) - 8 * f(points - h) + 8 * f(points + h) - f(points + 2 * h)) / (12 * h)
    exact = act.df(points)
    with np.errstate(all="ignore"):
        difference = np.abs(exact - numerical) / np.maximum(np.maximum(np.abs(exact), np.abs(numerical)), 1e-12)
    return float(np.nanmax(difference)) if np.isfinite(difference).any() else math.nan


ESTIMATED = "range, limits at ±∞, monotonicity and symmetry estimated from samples"


def _classify(f, df, params, candidates, side) -> dict:
    """The `candidates` at which f jumps (a jump), f′ does (a kink) or
    neither (a smooth break, where f″ may), told apart by the one-sided
    values side·max(1, |x|) either side."""
    kinks, jumps, smooth = [], [], []
    for x in sorted(set(candidates)):
        h = side * max(1.0, abs(x))
        sides = np.array([x - h, x + h])
        (f_left, f_right), (d_left, d_right) = f(sides, **params), df(sides, **params)
        if abs(f_right - f_left) > 1e-6 * (1 + abs(f_left)) + 20 * h * max(abs(d_left), abs(d_right)):
            jumps.append(_where_it_steps(lambda t: f(t, **params), x, h, f_left, f_right))
        elif abs(d_right - d_left) > 1e-4 * (1 + abs(d_left)):
            kinks.append(_where_it_steps(lambda t: df(t, **params), x, h, d_left, d_right))
        else:
            smooth.append(x)
    at = np.array([*kinks, *jumps], dtype=float)
    return {"kinks": tuple(kinks), "jumps": tuple(jumps), "smooth_breaks": tuple(smooth),
            "df_at_kinks": dict(zip(at.tolist(), df(at, **params).tolist()))}


def _roots(g, x) -> list[float]:
    """Where g, sampled at the sorted x, is 0 or changes sign, each root
    bisected to neighbouring doubles."""
    with np.errstate(all="ignore"):
        y = np.broadcast_to(np.asarray(g(x), dtype=float), x.shape)
    found = x[y == 0].tolist()
    for i in np.flatnonzero(np.sign(y[:-1]) * np.sign(y[1:]) < 0):
        a, b = float(x[i]), float(x[i + 1])
        below = y[i] < 0
        while math.nextafter(a, b) != b:
            middle = a + (b - a) / 2 if math.isfinite(b - a) else a / 2 + b / 2
            if middle in (a, b):
                break
            with np.errstate(all="ignore"):
                value = float(np.asarray(g(np.array([middle]))).reshape(-1)[0])
            a, b = (middle, b) if (value < 0) == below and value != 0 else (a, middle)
        found.append(b if abs(float(np.asarray(g(np.array([b]))).reshape(-1)[0])) <=
                     abs(float(np.asarray(g(np.array([a]))).reshape(-1)[0])) else a)
    return found


def _check_line(act: Activation) -> str:
    return (f"f′ checked against a numerical derivative (5-point central differences) at {len(CHECK_POINTS)} "
            f"points: max relative difference {derivative_check(act):.2g}")


def _steps(g, x, precision: float) -> list[float]:
    """Where g, sampled at the sorted x, steps: a change between neighbours
    ten times those on either side, bisected towards the side it is on,
    and rounded to a multiple of `precision`·max(1, |x|) (g's own resolution)."""
    y = g(x)
    change = np.abs(np.diff(y))
    beside = np.maximum(change[:-2], change[2:])
    found = []
    for i in np.flatnonzero(change[1:-1] > 10 * beside + 1e-6 * (1 + np.abs(y[1:-2]))) + 1:
        a, b, ya, yb = float(x[i]), float(x[i + 1]), y[i], y[i + 1]
        for _ in range(80):
            middle = a + (b - a) / 2
            if middle in (a, b):
                break
            ym = float(g(np.array([middle]))[0])
            if abs(ym - ya) < abs(ym - yb):
                a, ya = middle, ym
            else:
                b, yb = middle, ym
        unit = precision * max(1.0, abs(b))
        found.append(round(b / unit) * unit + 0.0)
    return found


def _where_it_steps(g, x: float, h: float, left: float, right: float) -> float:
    """x, or where near it g steps from one double to the next.

    x is where g's pieces meet in exact arithmetic; in rounded arithmetic
    g may change piece a few doubles away: max(x, -x, x/2 + 1) changes 3
    ulps left of the double nearest -2/3, where its rounded pieces tie.
    Where g is nearer `left` on the double below x and nearer `right` on the
    one above, or where g changes over more than a few doubles (a step
    smeared by central differences), x stays."""
    def value(t: float) -> float:
        return float(np.asarray(g(np.array([t]))).reshape(-1)[0])

    def nearer_right(t: float) -> bool:
        y = value(t)
        return abs(y - right) <= abs(y - left)
    if not nearer_right(np.nextafter(x, -np.inf)) and nearer_right(np.nextafter(x, np.inf)):
        return x
    a, b = x - h, x + h
    while (middle := a + (b - a) / 2) not in (a, b):
        a, b = (a, middle) if nearer_right(middle) else (middle, b)
    sharp = abs(value(b) - value(a)) >= 0.25 * abs(right - left)
    return b if sharp else x


def _estimating(spec: Spec, note: str, how: str, params: Mapping[str, Any], check: bool = True,
                locate=None) -> Spec:
    """`spec` with its facts estimated from samples, for whichever parameter
    values it is bound to (each set of values once), and its caveats: `note`
    first (for figures), then `how` it is computed, then f′ checked at `params`."""
    from dataclasses import replace
    estimates: dict[tuple, dict] = {}

    def fact(key):
        def value(bound):
            values = tuple(sorted(bound.items()))
            if values not in estimates:
                with np.errstate(all="ignore"):  # samples that overflow are part of what is estimated
                    estimates[values] = _estimated_facts(spec.f, spec.df, bound, locate)
            return estimates[values][key]
        return value
    keys = ("output_range", "limits", "dlimits", "monotonic", "symmetry")
    keys += ("kinks", "jumps", "smooth_breaks", "df_at_kinks") if locate else ()
    estimated = replace(spec, **{key: fact(key) for key in keys})
    where = "; kinks and jumps located numerically" if locate else "; kinks not located"
    with np.errstate(all="ignore"):
        check_line = [_check_line(Activation(estimated, dict(params)))] if check else []
    return replace(estimated, caveats=(note, how, ESTIMATED + where, *check_line))


# ---------------------------------------------------------------------------
# Formulas
# ---------------------------------------------------------------------------

def _check_real(expression, x, symbols, values, sp):
    """Refuse a formula whose value is complex somewhere on the real line,
    naming the innermost part that is and an x where it is."""
    arguments = [x, *symbols]
    with np.errstate(all="ignore"):
        z = np.asarray(_compile([expression], arguments, True)(PROBE.astype(complex), *values)[0], dtype=complex)
    z = np.broadcast_to(z, PROBE.shape)
    bad = np.isfinite(z) & (z.imag != 0)
    if not bad.any():
        return
    where = PROBE[bad]
    at = float(where[np.argmin(np.abs(np.log(np.abs(where) + 1e-300)))])
    culprit = expression
    for part in sp.preorder_traversal(expression):
        if part.has(x) and part is not expression:
            with np.errstate(all="ignore"):
                value = complex(np.asarray(_compile([part], arguments, True)(complex(at), *values)[0]))
            if value.imag != 0 and math.isfinite(value.imag):
                culprit = part  # the traversal goes inwards: the last one found is the innermost
    raise ActvizError(f"the formula is not real for every x: {culprit} is complex at x = {at:g} "
                      f"(and at {bad.sum() - 1} other sample points); actviz draws real functions")


def from_expr(text: str, name: str | None = None, **params: Any) -> Activation:
    """The activation f(x) = `text`, a formula in x, parameters and functions.

        >>> import actviz
        >>> act = actviz.from_expr("x*sigmoid(beta*x)", name="swish2", beta=1.5)
        >>> float(act.df(0.0))
        0.5

    Parameters are the formula's names other than x, each given a value
    here.  The registry's functions are available by name (``sigmoid``,
    ``softplus``, ``gelu(x, approximate='tanh')``), with numpy's and sympy's
    usual ones (exp, log, log1p, tanh, erf, sqrt, abs, max, min, …) and the
    constants pi and e.  f′ and f″ are derived symbolically.  Raises
    :class:`ActvizError` for anything that is not such a formula, for a
    name without a value, for a value without a name, and for a formula
    that is complex or infinite.  Needs sympy (``pip install 'actviz[expr]'``).
    """
    return formula_family(text, {k: [v] for k, v in params.items()}, name)[0]


def formula_family(text: str, values: Mapping[str, Any], name: str | None = None) -> list[Activation]:
    """One Activation of the formula `text` for each value of the one
    parameter given as a list (all given as lists; one-element for fixed)."""
    sp = _sympy()
    text, name = _split_name(text, name)
    expression, builder = _parse(text, sp)
    x = builder.x
    used = sorted(s.name for s in expression.free_symbols if s != x)
    missing = [s for s in used if s not in values]
    if missing:
        raise ActvizError(f"the formula uses {', '.join(map(repr, missing))}, which "
                          f"{'is' if len(missing) == 1 else 'are'} neither x nor a parameter given a value "
                          f"(e.g. -p {missing[0]}=1.5)")
    extra = [k for k in values if k not in used]
    if extra:
        raise ActvizError(f"the formula has no parameter {extra[0]!r}"
                          + (f" (its parameters: {', '.join(used)})" if used else " (it has none)"))
    parameters = {}
    for key in used:
        parse = Parameter(key, 0.0, "a formula's parameter").parse
        parameters[key] = [parse(v) for v in (values[key] if isinstance(values[key], (list, tuple)) else [values[key]])]
    varying = [k for k, v in parameters.items() if len(v) > 1]
    if len(varying) > 1:
        raise ActvizError("only one parameter can take a list of values")
    symbols = [builder.symbols[k] for k in used]
    _check_real(expression, x, symbols, [v[0] for v in parameters.values()], sp)
    # A jump of f′ (sign, abs, max) has a Dirac mass in f″; as for the registry's
    # functions, f″ takes the one-sided value beside it (here: 0 at the jump).
    first = sp.diff(expression, x).replace(sp.DiracDelta, lambda *args: sp.S.Zero)
    second = sp.diff(first, x).replace(sp.DiracDelta, lambda *args: sp.S.Zero)
    if first.has(sp.Derivative, sp.Subs) or second.has(sp.Derivative, sp.Subs):
        raise ActvizError(f"sympy cannot differentiate {text.strip()!r} in closed form")
    compiled = _compile([expression, first, second], [x, *symbols])
    shown = " ".join(text.split())
    name = name or shown
    if name in REGISTRY or name in ALIASES:
        raise ActvizError(f"{name!r} is the name of a registered function; give the formula another name")
    combinations = [{k: v[0] for k, v in parameters.items()}]
    if varying:
        combinations = [{**combinations[0], varying[0]: value} for value in parameters[varying[0]]]
    spec = _estimating(Spec(
        name=name,
        summary=f"a formula of your own: {shown}",
        f=_kernel(compiled, 0, used), df=_kernel(compiled, 1, used), d2f=_kernel(compiled, 2, used),
        latex=f"${sp.latex(expression)}$", dlatex=f"${sp.latex(first)}$",
        text=f"f(x) = {shown}", dtext=f"f'(x) = {first}",
        # No default (NaN): a formula's parameters are always shown with the values given.
        params=tuple(Parameter(k, math.nan, "a formula's parameter") for k in parameters),
        output_range=None, limits=None, dlimits=None, continuity="not determined", xlim=(-5.0, 5.0),
    ), f"user formula: {UNVERIFIED}", "a formula of your own, f′ and f″ derived by sympy, evaluated by numpy",
        combinations[0], locate=_locator(expression, x, symbols, used, sp))
    acts = [Activation(spec, values_) for values_ in combinations]
    for act in acts:
        if not np.isfinite(act.f(PROBE)).any():
            raise ActvizError(f"the formula {shown!r} is not finite at any x "
                              f"(an overflow or a division by zero everywhere)")
    EXTERNAL[name] = spec  # so that get(name, beta=2) binds it to other values (the interactive page's sliders)
    return acts


def _locator(expression, x, symbols, names, sp):
    """params → the x where a part of `expression` that is not smooth
    changes its piece: abs, sign and heaviside at their argument's roots,
    max and min where two of their arguments cross, a registry function at
    its own kinks and jumps; None for an expression without such parts."""
    pieces = []
    for part in sp.preorder_traversal(expression):
        if isinstance(part, (sp.Abs, sp.sign, sp.Heaviside)):
            pieces.append(part.args[0])
        elif isinstance(part, (sp.Max, sp.Min)):
            pieces += [a - b for i, a in enumerate(part.args) for b in part.args[i + 1:]]
        else:
            pieces += [part.args[0] - b for b in getattr(type(part), "actviz_breaks", ())]
    pieces = [p for p in pieces if p.has(x)]
    if not pieces:
        return None
    compiled = [_compile([p], [x, *symbols]) for p in pieces]

    def locate(params):
        values = [params[n] for n in names]
        return [r for g in compiled for r in _roots(lambda t, g=g: g(t, *values)[0], PROBE)], 1e-9
    return locate


def _split_name(text: str, name: str | None = None) -> tuple[str, str | None]:
    """'mish2 = x*tanh(softplus(x))' as ('x*tanh(softplus(x))', 'mish2')."""
    named = re.fullmatch(r"\s*([A-Za-z_]\w*)\s*=(?!=)(.*)", text, re.DOTALL)
    return (named.group(2), named.group(1)) if named and name is None else (text, name)


def formula_activations(formulas, pairs, every: bool) -> tuple[list[Activation], list[str]]:
    """The Activations of the command line's --expr `formulas`, and the -p
    key=value `pairs` left for the named functions: those whose key is none
    of the formulas' parameters (`every`: none are left, there being no
    named function)."""
    sp = _sympy()
    keys = {pair: pair.partition("=")[0].strip() for pair in pairs}
    symbols = set()
    for text in formulas:
        expression, builder = _parse(_split_name(text)[0], sp)
        symbols |= {s.name for s in expression.free_symbols if s != builder.x}
    mine = [pair for pair in pairs if every or keys[pair] in symbols]
    stray = [keys[pair] for pair in mine if keys[pair] not in symbols]
    if stray and len(formulas) > 1:
        raise ActvizError(f"no formula has a parameter {stray[0]!r}"
                          + (f" (their parameters: {', '.join(sorted(symbols))})" if symbols else ""))
    acts = []
    for text in formulas:
        values = {}
        for pair in mine:
            key, sep, value = pair.partition("=")
            if not sep or not key.strip() or not value:
                raise ActvizError(f"parameter {pair!r} must look like key=value (e.g. -p beta=1.5)")
            values[key.strip()] = value.split(",")
        expression, builder = _parse(_split_name(text)[0], sp)
        own = {s.name for s in expression.free_symbols if s != builder.x}
        acts += formula_family(text, {k: v for k, v in values.items() if k in own or len(formulas) == 1})
    return acts, [pair for pair in pairs if pair not in mine]


# ---------------------------------------------------------------------------
# Callables and entry points
# ---------------------------------------------------------------------------

def is_reference(name: str) -> bool:
    """'mypkg.acts:my_act': a module and a callable in it."""
    return bool(re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_][\w.]*", name.strip()))


def load(name: str) -> Spec | None:
    """The Spec of `name` from outside the registry: a callable
    'module:attribute', or a name a package registers under the entry-point
    group actviz.functions; None when it is neither."""
    name = name.strip()
    if name in EXTERNAL:
        return EXTERNAL[name]
    if is_reference(name):
        module, _, attribute = name.partition(":")
        try:
            target = importlib.import_module(module)
            for part in attribute.split("."):
                target = getattr(target, part)
        except ImportError as error:
            raise ActvizError(f"cannot import {module!r} for {name!r}: {error}") from None
        except AttributeError:
            raise ActvizError(f"module {module!r} has no {attribute!r}") from None
        except Exception as error:
            raise ActvizError(f"importing {module!r} failed: {type(error).__name__}: {error}") from None
        spec = _as_spec(target, name, f"the callable {name}")
    else:
        found = [e for e in entry_point_functions() if e.name == name]
        if not found:
            return None
        try:
            target = found[0].load()
        except Exception as error:
            raise ActvizError(f"loading {name!r} from {found[0].value} failed: {type(error).__name__}: {error}") \
                from None
        spec = _as_spec(target, name, f"{name}, from {found[0].value} (entry point {ENTRY_POINTS})")
    EXTERNAL[name] = spec
    return spec


def entry_point_functions() -> list:
    """The entry points of the group actviz.functions, not loaded.

    importlib.metadata costs a tenth of `actviz list`'s start-up to import,
    so the distributions on sys.path are first searched for the group's
    header, and it is imported only when one declares it."""
    import os
    header = f"[{ENTRY_POINTS}]"
    for folder in sys.path:
        try:
            infos = [entry.path for entry in os.scandir(folder or ".") if entry.name.endswith((".dist-info", ".egg-info"))]
        except OSError:
            continue
        for info in infos:
            try:
                with open(os.path.join(info, "entry_points.txt"), encoding="utf-8") as file:
                    declared = header in file.read()
            except OSError:
                continue
            if declared:
                from importlib.metadata import entry_points
                return list(entry_points(group=ENTRY_POINTS))
    return []


def _as_spec(target, name: str, origin: str) -> Spec:
    from dataclasses import replace
    if isinstance(target, Spec):
        spec = replace(target, name=name)
        act = Activation(spec, {p.name: p.default for p in spec.params})
        return replace(spec, caveats=(f"third-party function: {UNVERIFIED}", f"{origin}, not part of actviz",
                                      *spec.caveats, _check_line(act)))
    if not callable(target):
        raise ActvizError(f"{name} is a {type(target).__name__}, neither a function nor an actviz Spec")
    return from_callable(target, name, origin).spec


def _calling(function, name):
    def f(x):
        try:
            out = function(x)
        except Exception as error:
            raise ActvizError(f"{name} failed: {type(error).__name__}: {error}") from None
        return np.asarray(out)
    return f


def from_callable(function: Callable, name: str | None = None, origin: str | None = None) -> Activation:
    """The activation of a Python function of a numpy array, f′ and f″
    numerical: f′ by the complex step Im f(x + ih)/h (exact to rounding)
    when `function` takes complex input and agrees with central differences
    there, by central differences otherwise; f″ by central differences of f′."""
    name = name or getattr(function, "__name__", "f")
    call = _calling(function, name)

    def f(x):
        with np.errstate(all="ignore"):
            out = call(x)
        if np.iscomplexobj(out):
            raise ActvizError(f"{name} returned complex values for real x")
        return np.array(np.broadcast_to(np.asarray(out, dtype=np.float64), np.shape(x)))

    def central(g, x):
        """(g(x + h) − g(x − h))/2h, one-sided where x ± h is beyond the doubles."""
        h = np.cbrt(np.finfo(float).eps) * np.maximum(1.0, np.abs(x))
        above, below = x + h, x - h
        above, below = np.where(np.isfinite(above), above, x), np.where(np.isfinite(below), below, x)
        return (g(above) - g(below)) / (above - below)

    def df_central(x):
        with np.errstate(all="ignore"):
            return central(f, np.asarray(x, dtype=float))

    def complex_step(x):
        """Central differences where the complex step is not finite (a branch
        np.where throws away that overflows in complex arithmetic)."""
        h = 1e-30  # no cancellation to fear: tiny, so that the step itself never overflows f
        with np.errstate(all="ignore"):
            out = np.array(np.broadcast_to(np.asarray(call(np.asarray(x) + 1j * h)).imag / h, np.shape(x)))
        broken = ~np.isfinite(out)
        if broken.any():
            out[broken] = df_central(np.broadcast_to(x, out.shape)[broken])
        return out

    method, df = "central differences", df_central
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("error")  # numpy's ComplexWarning: the function drops the imaginary part
            trial = complex_step(CHECK_POINTS)
        if np.allclose(trial, df_central(CHECK_POINTS), rtol=1e-5, atol=1e-8):
            method, df = "the complex step", complex_step
    except (ActvizError, TypeError, ValueError, Warning):
        pass

    def d2f(x):
        with np.errstate(all="ignore"):
            return central(df, np.asarray(x, dtype=float))

    spec = Spec(
        name=name, summary=f"{origin or 'a Python function of your own'}; f′ numerical ({method})",
        f=f, df=df, d2f=d2f,
        latex=f"$\\mathrm{{{name}}}(x)$".replace("_", r"\_"), dlatex=f"$\\mathrm{{{name}}}'(x)$".replace("_", r"\_"),
        text=f"f(x) = {name}(x)", dtext=f"f'(x) = numerical ({method})",
        output_range=None, limits=None, dlimits=None, continuity="not determined",
    )
    # An even grid, shifted so that a kink at a round number falls between two samples.
    near = np.linspace(-50, 50, 4001) + 0.007316

    def locate(params):
        """The steps of f and f′, told apart beyond the reach of central differences' smear."""
        precision = 1e-12 if df is complex_step else 1e-5  # central differences smear a step over 6·10⁻⁶
        return [*_steps(f, near, 1e-12), *_steps(df, near, precision)], 1e-4
    return Activation(_estimating(spec, f"user function, f′ numerical: {UNVERIFIED}",
                                  f"{origin or 'a Python function of your own'}; f′ and f″ numerical "
                                  f"(f′ by {method})", {}, check=method != "central differences", locate=locate))
