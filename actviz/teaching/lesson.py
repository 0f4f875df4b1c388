"""What a teaching figure declares to the rest of actviz."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import click

from ..look import Look

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Lesson:
    """A teaching figure: the command that draws it (`actviz depth`), and
    the figure it adds to the gallery, drawn in a given look, under the file
    name `gallery_stem`."""

    command: click.Command
    gallery_stem: str
    gallery_figure: Callable[[Look], Figure]
