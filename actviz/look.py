"""How a figure looks, apart from what it shows: its theme, the language of
its texts, the scale of its fonts and its size.

Plain Python (no matplotlib), so that the command line can offer the choices
without importing matplotlib; :func:`actviz.plotting.styled` applies a
:class:`Look` to matplotlib's rcParams.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from .functions import ActvizError

STYLES = Path(__file__).with_name("styles")
# light.mplstyle is the base, with a why-comment per setting; every other
# theme is an overlay stating only what differs from it.
BASE_THEME = "light"
THEMES = ("light", "dark", "print")
LANGUAGES = ("en", "zh")
# (colour, opacity, hatch) of each kind of region: saturated grey, dead red
# and hatched, so that a greyscale print still tells them apart; the print
# theme makes both grey and tells them apart by the hatch alone.
SHADE = {"saturated": ("#9AA5B1", 0.22, None), "dead": ("#C0504D", 0.16, "//")}
PRINT_SHADE = {"saturated": ("0.6", 0.22, None), "dead": ("0.35", 0.14, "//")}
SIZES = {"16:9": (8.0, 4.5), "4:3": (8.0, 6.0), "1:1": (6.0, 6.0)}


@dataclass(frozen=True)
class Look:
    """A shipped theme (light, dark, print), its fonts scaled by
    `font_scale` for the room, with the figure's texts in `lang` ('en' or 'zh')."""

    theme: str = BASE_THEME
    lang: str = "en"
    font_scale: float = 1.0

    def __post_init__(self):
        if self.theme not in THEMES:
            raise ActvizError(f"unknown theme {self.theme!r}; choose from {', '.join(THEMES)}")
        if self.lang not in LANGUAGES:
            raise ActvizError(f"unknown language {self.lang!r}; choose from {', '.join(LANGUAGES)}")

    @property
    def style_sheets(self) -> list[Path]:
        """The base style sheet, then the theme's overlay on it."""
        return [STYLES / f"{name}.mplstyle" for name in dict.fromkeys((BASE_THEME, self.theme))]

    @property
    def shade(self) -> Mapping[str, tuple]:
        """(colour, opacity, hatch) of each kind of region."""
        return PRINT_SHADE if self.theme == "print" else SHADE

    def words(self, chinese: Mapping[str, str]) -> Callable[..., str]:
        """A function giving a figure text in this look's language: the
        English template, or its translation in `chinese`, filled in."""
        def say(template: str, **values) -> str:
            if self.lang == "zh":
                template = chinese.get(template, template)
            return template.format(**values)
        return say


def parse_size(text: str) -> tuple[float, float]:
    """'16:9', '4:3', '1:1' or 'WxH' in inches."""
    if text in SIZES:
        return SIZES[text]
    try:
        w, h = (float(v) for v in text.lower().split("x"))
    except ValueError:
        raise ActvizError(f"size must be 16:9, 4:3, 1:1 or WxH in inches (e.g. 8x4.5); got {text!r}") from None
    if not (0.5 <= w <= 50 and 0.5 <= h <= 50):
        raise ActvizError(f"size {text!r} is out of range: width and height must lie in 0.5–50 inches")
    return w, h
