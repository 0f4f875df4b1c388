import os
import sys

import matplotlib
from hypothesis import HealthCheck, settings

sys.path.insert(0, os.path.dirname(__file__))
matplotlib.use("Agg")
# The test modules' compiled, assertion-rewritten forms are cached in
# tests/__pycache__ whatever PYTHONDONTWRITEBYTECODE says: rewriting them
# anew costs every worker 2 seconds of every run.
sys.dont_write_bytecode = False

# `pytest` runs the quick profile; `pytest --hypothesis-profile long` searches
# ten times harder (thousands of examples) before a release.
settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])


def pytest_configure(config):
    if not config.getoption("--hypothesis-profile", default=None):
        settings.load_profile("ci")
