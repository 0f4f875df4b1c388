r"""actviz's formula texts read back as Python, so a test can evaluate them.

Two spellings are read.  The plain text of ``Spec.text``/``Spec.dtext``
("f(x) = x·sigmoid(x)", "f'(x) = s(1 + x(1 - s)) if x >= 0 else ..., s =
sigmoid(x)") is quasi-Python: · for ×, ^ for powers, |x|, implicit
multiplication (2x, x(1 - s)), and around the expression

- pieces: "A if c else B" (Python's own), "A if c1, B if c2, else C",
  "A for c, B outside" (or "beyond"), a bare condition after "A if c1"
  meaning "or";
- chains of equal forms: "A = B = C", each of which must hold;
- where-clauses: ", s = sigmoid(x)", in any order;
- notes in parentheses after a space: a value at a point ("(f'(0) = 0, as
  PyTorch)", checked), a choice of a parameter ("(even units)", a
  condition), a special case of a where-clause ("w = half_width (3:
  relu6(x + 3)/6)": the form that holds when half_width is 3), or prose
  listed in :data:`PROSE`;
- "[tanh form: X]": the form X replaces the others when a parameter takes
  the choice "tanh".

The mathtext of ``Spec.latex``/``Spec.dlatex`` ("$f(x)=x$ if $x>0$, else
$\alpha\,(e^{x}-1)$") is turned into that plain text first: math between
dollars becomes expressions (single letters juxtaposed multiply, \frac,
\sqrt, e^{..}, \sigma, \mathrm{sech}^2x, Greek letters as α β λ ...), prose
between them is kept, and the mathtext-only ways of writing pieces are
rewritten: "A, B, C on c1, c2, c3" (with "between" for the middle), "A on
[a,b], B left, C right", "±1 outside".

:func:`parse` gives a :class:`Formula`; ``Formula.values(x, env)`` is the
list of numbers the text claims equal to f(x) there.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

# Notes that are prose, with why they are not checked.
PROSE = {
    "undefined at 0; 0 there": "f' of a jump is undefined; the value actviz takes there is df_at_kinks, "
                               "checked by test_functions",
    "as PyTorch": "names the convention of the value beside it",
}

KEYWORDS = {"if", "else", "and", "or", "not"}
GREEK = {"alpha": "α", "beta": "β", "lambda": "λ", "mu": "μ", "theta": "θ", "gamma": "γ", "sigma": "σ"}


def _sigmoid(v):
    return 1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(v) / (1.0 + math.exp(v))


FUNCTIONS = {
    "exp": math.exp, "log": math.log, "sqrt": math.sqrt, "tanh": math.tanh, "sin": math.sin, "cos": math.cos,
    "arctan": math.atan, "erf": math.erf, "sech": lambda v: 1.0 / math.cosh(v),
    "sigmoid": _sigmoid, "softplus": lambda v: max(v, 0.0) + math.log1p(math.exp(-abs(v))),
    "Phi": lambda v: 0.5 * math.erfc(-v / math.sqrt(2.0)),
    "phi": lambda v: math.exp(-v * v / 2.0) / math.sqrt(2.0 * math.pi),
    "clip": lambda v, lo, hi: min(max(v, lo), hi), "sign": lambda v: float((v > 0) - (v < 0)),
    "max": max, "min": min, "abs": abs,
}
CONSTANTS = {"pi": math.pi}


class FormulaError(ValueError):
    """A text the reader does not understand: a gap in the reader or a
    formula written in a way no reader can check."""


# ---------------------------------------------------------------------------
# Expressions: plain text to Python source
# ---------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(?P<number>(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)|(?P<name>[^\W\d]\w*)|(?P<string>'[^']*')"
                    r"|(?P<op><=|>=|==|!=|\*\*|[<>·*/+\-−^(),|]))")


def python(expression: str, functions: set[str]) -> str:
    """`expression` in plain text as Python source; a name followed by '('
    is a call when it is in `functions`, a product otherwise."""
    out: list[str] = []
    bars: list[int] = []  # the paren depth at each open |
    depth = 0
    previous = None  # "operand" when the last token ends an operand
    position = 0
    text = expression.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match:
            raise FormulaError(f"cannot read {text[position:]!r} in {expression!r}")
        position = match.end()
        kind = match.lastgroup
        token = match.group(kind)
        if kind == "name" and token in KEYWORDS:
            out.append(f" {token} ")
            previous = None
            continue
        if token == "|":
            if bars and bars[-1] == depth and previous == "operand":
                bars.pop()
                out.append(")")
                previous = "operand"
                continue
            token, kind = "abs(", "open"
            bars.append(depth)
        starts = kind in ("number", "name", "string", "open") or token == "("
        if starts and previous == "operand" and not (token == "(" and out and out[-1] in functions):
            out.append("*")
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        out.append({"·": "*", "^": "**", "−": "-"}.get(token, token))
        previous = "operand" if kind in ("number", "name", "string") or token == ")" else None
    if bars or depth:
        raise FormulaError(f"unbalanced parentheses or bars in {expression!r}")
    return " ".join(out)


def _split(text: str, separator: str) -> list[str]:
    """`text` split at `separator` outside (), [] and |...|... (bars are
    not tracked: a separator never sits between bars in our texts)."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        char = text[i]
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif depth == 0 and text.startswith(separator, i):
            parts.append(text[start:i])
            i += len(separator)
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return [part.strip() for part in parts]


def _matching(text: str, open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i
    raise FormulaError(f"unbalanced parentheses in {text!r}")


# ---------------------------------------------------------------------------
# Formulas: pieces, chains, where-clauses, notes
# ---------------------------------------------------------------------------

@dataclass
class Piece:
    condition: str | None  # Python source; None: the remaining x ("else", "outside")
    forms: list[str]       # Python sources, each claimed equal to f(x)


@dataclass
class Formula:
    """What one text claims, as Python sources over x, the parameters and
    the names in :data:`FUNCTIONS`."""

    pieces: list[Piece] = field(default_factory=list)
    bindings: dict[str, str] = field(default_factory=dict)        # where-clauses
    points: list[tuple[int, str, str]] = field(default_factory=list)  # (0 for f / 1 for f', at, value)
    variants: list[tuple[str, Formula, bool]] = field(default_factory=list)  # (guard, formula, replaces the rest)

    def compile(self):
        self._pieces = [(compile(p.condition, "<condition>", "eval") if p.condition else None,
                         [compile(form, "<form>", "eval") for form in p.forms]) for p in self.pieces]
        codes = {name: compile(source, name, "eval") for name, source in self.bindings.items()}
        order: list[str] = []
        while len(order) < len(codes):  # where-clauses in an order that defines each before its use
            ready = [n for n, c in codes.items() if n not in order and set(c.co_names) & set(codes) <= set(order)]
            if not ready:
                raise FormulaError(f"where-clauses refer to each other in a circle: {self.bindings}")
            order += ready
        self._bindings = [(name, codes[name]) for name in order]
        self._variants = [(compile(guard, "<guard>", "eval"), formula.compile(), replaces)
                          for guard, formula, replaces in self.variants]
        return self

    def values(self, x: float, env: dict) -> list[float]:
        """The values the text claims for f(x) (all must agree)."""
        scope = dict(env, x=x)
        found: list[float] = []
        for guard, formula, replaces in self._variants:
            if eval(guard, scope):
                if replaces:
                    return formula.values(x, env)
                found += formula.values(x, env)
        for name, code in self._bindings:
            scope[name] = eval(code, scope)
        chosen = [forms for condition, forms in self._pieces if condition is not None and eval(condition, scope)]
        if not chosen:
            chosen = [forms for condition, forms in self._pieces if condition is None]
        if not chosen:
            raise FormulaError(f"no piece of the formula covers x = {x!r}")
        return found + [float(eval(form, scope)) for forms in chosen for form in forms]


_POINT = re.compile(r"f('?)\(([^()x]*)\) = (.+)")
_BINDING = re.compile(r"([^\W\d]\w*) = (.+)")
_CONDITION = re.compile(r"<=|>=|==|!=|<|>")
_NOTE = re.compile(r"(?<=[\w)|'])\s* +\(")  # a space then "(" after an operand: a note, not a product


def parse(text: str, choices: dict[str, str], functions: set[str], bound: set[str] = frozenset(),
          inherited: dict[str, str] | None = None) -> Formula:
    """The formula `text` ("f(x) = ..." or "f'(x) = ..." or a bare right-hand
    side); `choices` maps each choice of a parameter to the parameter
    ('tanh' -> 'approximate'); `functions` are the names that can be called,
    `bound` names that stand for numbers; `inherited` where-clauses (of f's
    formula, for f''s) hold unless the text gives its own."""
    body = re.sub(r"^f'?\(x\) = ", "", text.strip())
    formula = Formula(bindings=dict(inherited or {}))
    bound = set(bound) | set(formula.bindings)
    for choice, alternative in re.findall(r"\s*\[(\w+) form: ([^\]]*)\]", body):
        if choice not in choices:
            raise FormulaError(f"no parameter takes the choice {choice!r} of [{choice} form: ...]")
        formula.variants.append((f"{choices[choice]} == {choice!r}", parse(alternative, choices, functions), True))
    body = re.sub(r"\s*\[\w+ form: [^\]]*\]", "", body)
    segments = _split(body, ", ")
    names = {m.group(1) for s in segments[1:] if (m := _BINDING.fullmatch(s))} | set(bound)
    callable_ = set(functions) - names

    def expression(source: str) -> str:
        return python(source, callable_)

    for index, segment in enumerate(segments):
        segment = _notes(segment, formula, choices, expression)
        if (m := re.search(r" on (\w+) \w+$", segment)) and m.group(1) in choices:  # "on even units"
            segment = segment[:m.start()] + f" if {choices[m.group(1)]} == {m.group(1)!r}"
        if not segment:
            continue
        if index and (m := _POINT.fullmatch(segment)):
            formula.points.append((len(m.group(1)), expression(m.group(2)), expression(m.group(3))))
        elif index and (m := _BINDING.fullmatch(segment)) and not _CONDITION.search(m.group(2)):
            formula.bindings[m.group(1)] = expression(m.group(2))
        elif m := re.fullmatch(r"else (.+)|(.+) (?:outside|beyond)", segment):
            formula.pieces.append(Piece(None, [expression(f) for f in _split(m.group(1) or m.group(2), " = ")]))
        elif (m := re.fullmatch(r"(.+?) (?:if|for) (.+)", segment)) and " else " not in segment:
            condition = m.group(2).replace(" = ", " == ")  # "x if alpha = 0"
            formula.pieces.append(Piece(expression(condition), [expression(f) for f in _split(m.group(1), " = ")]))
        elif formula.pieces and formula.pieces[-1].condition and _CONDITION.search(segment) \
                and not re.search(r" = ", segment):
            formula.pieces[-1].condition = f"({formula.pieces[-1].condition}) or ({expression(segment)})"
        elif index == 0:
            formula.pieces.append(Piece("True", [expression(f) for f in _split(segment, " = ")]))
        else:
            raise FormulaError(f"cannot tell what {segment!r} is in {text!r}")
    for piece in formula.pieces:
        if piece.condition == "True" and len(formula.pieces) > 1:
            raise FormulaError(f"an unconditional form among pieces in {text!r}")
    return formula


def _notes(segment: str, formula: Formula, choices: dict[str, str], expression) -> str:
    """`segment` with its notes (" (...)" after an operand) read and taken out."""
    search_from = 0
    while (m := _NOTE.search(segment, search_from)):
        before = segment[:m.start()]
        if re.search(r"(?:^|\W)(?:if|else|and|or|for|on)$", before):
            search_from = m.end()
            continue
        close = _matching(segment, m.end() - 1)
        note, after = segment[m.end():close], segment[close + 1:]
        segment = before + _note(note, before, formula, choices, expression) + after
    return segment.strip()


def _note(note: str, before: str, formula: Formula, choices: dict[str, str], expression) -> str:
    """What a note becomes in the text: a condition, or nothing (recorded in `formula`)."""
    words = note.split()
    if words and words[0] in choices and len(words) <= 2:  # "(even units)", "(even)"
        condition = f"{choices[words[0]]} == {words[0]!r}"
        joins = re.search(r" (?:if|for) ", before) or _CONDITION.search(before)  # a condition goes on
        return f" and {condition}" if joins else f" if {condition}"
    if m := re.fullmatch(r"([^:]+): (.+)", note):  # "w = half_width (3: relu6(x + 3)/6)"
        binding = _BINDING.fullmatch(before.strip())
        if not binding:
            raise FormulaError(f"a special case {note!r} not after a where-clause")
        guard = f"({expression(binding.group(2))}) == ({expression(m.group(1))})"
        formula.variants.append((guard, Formula(pieces=[Piece("True", [expression(m.group(2))])]), False))
        return ""
    for part in _split(note, ", "):
        if m := _POINT.fullmatch(part):
            formula.points.append((len(m.group(1)), expression(m.group(2)), expression(m.group(3))))
        elif part not in PROSE:
            raise FormulaError(f"cannot read the note {note!r}")
    return ""


# ---------------------------------------------------------------------------
# Mathtext to plain text
# ---------------------------------------------------------------------------

_MATH_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\d+(?:\.\d+)?|[A-Za-z]|\S")
# Commands written as functions of what follows them, and their names in plain text.
_MATH_FUNCTIONS = {r"\sigma": "sigmoid", r"\tanh": "tanh", r"\log": "log", r"\exp": "exp", r"\sin": "sin",
                   r"\cos": "cos", r"\arctan": "arctan", r"\max": "max", r"\min": "min", r"\Phi": "Phi",
                   r"\varphi": "phi", r"\phi": "phi"}
_MATH_SYMBOLS = {r"\cdot": "·", r"\leq": " <= ", r"\geq": " >= ", r"\neq": " != ", r"\le": " <= ",
                 r"\ge": " >= ", r"\pi": "\u2009pi\u2009", r"\pm": " sign(x)·", "=": " = ", ",": ", ", r"\,": "\u2009",
                 r"\;": "\u2009", r"\ ": "\u2009", r"\!": "", r"\quad": "\u2009"}
# Math is joined with thin spaces, so that a space then "(" in the plain text
# is a note ("(even units)") only where the mathtext has it in prose.
THIN = "\u2009"


def mathtext_to_text(latex: str) -> str:
    """The mathtext `latex` ("$f(x)=x$ if $x>0$, else $0$") in the plain-text
    dialect :func:`parse` reads."""
    latex = re.sub(r"^\$[^$=]*?\(x\)=", "$", latex.strip())
    parts = latex.split("$")
    if len(parts) % 2 == 0:
        raise FormulaError(f"unbalanced $ in {latex!r}")
    text = "".join(_MathReader(part).all() if i % 2 else part for i, part in enumerate(parts))
    text = re.sub(r"\s+", lambda gap: " " if " " in gap.group() else THIN, text)
    text = re.sub(r"\s+,", ",", text).strip()
    return _pieces_in_mathtext(text)


def _pieces_in_mathtext(text: str) -> str:
    """The ways mathtext lists pieces, as plain-text pieces."""
    interval = re.search(r" on \[([^\],]+), ?([^\]]+)\]", text)
    if interval:  # "A on [a,b], B left, C right", "A on [a,b], B outside"
        lo, hi = interval.groups()
        text = text[:interval.start()] + f" if {lo} <= x <= {hi}" + text[interval.end():]
        text = re.sub(r" left(?=,|$)", f" if x < {lo}", text)
        text = re.sub(r" right(?=,|$)", f" if x > {hi}", text)
    if len(halves := _split(text, " on ")) == 2:  # "A, B, C on c1, between, c3"
        values, conditions = _split(halves[0], ", "), _split(halves[1], ", ")
        if len(conditions) < len(values):
            raise FormulaError(f"fewer conditions than pieces in {text!r}")
        pieces = [f"else {v}" if c == "between" else f"{v} if {c}" for v, c in zip(values, conditions)]
        text = ", ".join(pieces + conditions[len(values):])
    return text


class _MathReader:
    """One math-mode part of a mathtext string, read token by token."""

    def __init__(self, math_text: str):
        self.tokens = [t for t in _MATH_TOKEN.findall(math_text) if t not in (r"\left", r"\right")]
        self.at = 0

    def peek(self):
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self):
        self.at += 1
        return self.tokens[self.at - 1]

    def all(self) -> str:
        out = []
        while self.peek() is not None:
            out.append(self.item())
        return THIN.join(out)

    def group(self) -> str:
        """A {...} group's content, or a single item."""
        if self.peek() != "{":
            return self.item()
        self.take()
        out = []
        while self.peek() != "}":
            if self.peek() is None:
                raise FormulaError("unbalanced braces")
            out.append(self.item())
        self.take()
        return THIN.join(out)

    def word(self) -> str:
        """The letters of a {...} group as one name: \\mathrm{softplus}."""
        if self.take() != "{":
            raise FormulaError("\\mathrm without braces")
        letters = []
        while (token := self.take()) != "}":
            letters.append(token)
        return "".join(letters)

    def parenthesised(self) -> str:
        """A (...) group with its parentheses, the opening one next."""
        out, depth = [], 0
        while True:
            token = self.peek()
            if token is None:
                raise FormulaError("unbalanced parentheses")
            if token in "()":
                depth += 1 if token == "(" else -1
                out.append(self.take())
                if depth == 0:
                    return THIN.join(out)
            else:
                out.append(self.item())

    def item(self) -> str:
        token = self.take()
        if token in (r"\frac", r"\dfrac", r"\tfrac"):
            return f"(({self.group()})/({self.group()}))"
        if token == r"\sqrt":
            return f"sqrt({self.group()})"
        if token in (r"\mathrm", r"\operatorname"):
            return self.applied(self.word())
        if token in _MATH_FUNCTIONS:
            return self.applied(_MATH_FUNCTIONS[token])
        if token == "e" and self.peek() == "^":
            self.take()
            return f"exp({self.group()})"
        if token == "^":
            return f"^({self.group()})"
        if token == "{":
            self.at -= 1
            return f"({self.group()})"
        if token.startswith("\\") and token[1:] in GREEK:
            return self.subscripted(GREEK[token[1:]])
        if token.isalpha():
            return self.subscripted(token)
        if token in _MATH_SYMBOLS:
            return _MATH_SYMBOLS[token]
        if token.startswith("\\"):
            raise FormulaError(f"no reading for the mathtext command {token}")
        return token

    def subscripted(self, name: str) -> str:
        if self.peek() == "_":
            self.take()
            return name + "_" + re.sub(r"\s", "", self.group())
        return f"{THIN}{name}{THIN}"

    def applied(self, name: str) -> str:
        """A function command with its argument: \\tanh(x), \\sin x,
        \\mathrm{sech}^2(s), \\log\\sigma(x)."""
        power = None
        if self.peek() == "^":
            self.take()
            power = self.group()
        if self.peek() == "(":
            call = f"{name}{self.parenthesised()}"
        elif self.peek() is None or self.peek() in ")=,+-":
            return f"{THIN}{name}{THIN}"  # a name, not applied (\mathrm{relu6} alone)
        else:
            call = f"{name}({self.item()})"
        return f"{THIN}{call}^({power}){THIN}" if power else f"{THIN}{call}{THIN}"
