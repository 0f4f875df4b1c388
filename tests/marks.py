"""Parametrisations with a quick sample: the edit-test loop
(`pytest -m "not slow"`) runs the values in `quick`, CI runs them all."""
import pytest

# The elementwise functions whose figures stand for the rest in the quick
# loop: a smooth bounded one, kinks, jumps, a non-monotonic one with a
# minimum, an oscillating one.
QUICK_FUNCTIONS = ("sigmoid", "relu", "hardshrink", "gelu", "sinc")


def quick_cases(cases, ids):
    """(name, params) cases as pytest params, each of a function outside
    QUICK_FUNCTIONS marked slow."""
    return [pytest.param(*case, id=i, marks=[] if case[0] in QUICK_FUNCTIONS else [pytest.mark.slow])
            for case, i in zip(cases, ids)]


def sampled(values, quick, ids=None):
    """`values` as pytest params for one argument, each outside `quick` marked slow."""
    return [pytest.param(v, id=ids(v) if ids else None, marks=[] if v in quick else [pytest.mark.slow])
            for v in values]
