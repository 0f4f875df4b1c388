"""The teaching figures, one module each: the experiment (pure numpy,
seeded, so that the lesson can be checked without looking at a picture),
the figure (matplotlib, imported only when one is drawn), its Chinese
strings, and its command.

LESSONS is the one list the command line, the gallery and the fuzzer find
them through: a new teaching figure is a module here with a ``LESSON``,
named in MODULES.  The modules are imported when a lesson is first asked
for, so that `actviz list`, `info` and `eval` do not pay for them at start.
"""
import importlib

# Each module's name is its command's.
MODULES = ("depth", "zigzag", "sparsity", "collapse", "compare", "backprop")


def load(name: str):
    """The LESSON of the module `name`, imported now."""
    return importlib.import_module(f"{__name__}.{name}").LESSON


def __getattr__(attribute: str):
    if attribute == "LESSONS":
        return tuple(load(name) for name in MODULES)
    raise AttributeError(f"module {__name__!r} has no attribute {attribute!r}")
