"""actviz: plot and inspect neural-network activation functions.

    >>> import actviz
    >>> act = actviz.get("leaky_relu", negative_slope=0.2)
    >>> act.f([-1.0, 2.0])
    array([-0.2,  2. ])
    >>> "gelu" in actviz.names()
    True

Plotting lives in :mod:`actviz.plotting` and is imported only when used, so
that inspecting functions never pays for matplotlib.
"""
from .functions import PRESETS, REGISTRY, Activation, ActvizError, get, names

__version__ = "0.1.0"
__all__ = ["Activation", "ActvizError", "PRESETS", "REGISTRY", "explore", "from_callable", "from_expr", "get", "names",
           "plot", "__version__"]


def plot(ax, *functions, **options):
    """Draw activation functions on a matplotlib Axes; see :func:`actviz.plotting.plot`."""
    from .plotting import plot as _plot
    return _plot(ax, *functions, **options)


def explore(*functions, **options):
    """The interactive page of functions, shown by Jupyter; see :func:`actviz.explorer.explore`."""
    from .explorer import explore as _explore
    return _explore(*functions, **options)


def from_expr(text, name=None, **params):
    """An activation of your own, f(x) = `text`; see :func:`actviz.expr.from_expr`."""
    from .expr import from_expr as _from_expr
    return _from_expr(text, name, **params)


def from_callable(function, name=None):
    """An activation from a Python function of an array; see :func:`actviz.expr.from_callable`."""
    from .expr import from_callable as _from_callable
    return _from_callable(function, name)
