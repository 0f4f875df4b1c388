"""actviz benchmarks: run them all on this machine and print one table.

    python bench/run.py            # everything (half an hour on 2 idle cores)
    python bench/run.py --quick    # fewer repeats, no per-figure gallery run (about ten minutes)

Timings are medians of repeated runs of whole commands (start-up included),
so they are what a user waits for.  Nothing here is a pass/fail test.  On a
shared machine the load moves the wall times, so each command is run paired
with its baseline and the median of the ratios is reported, for the wall
time and for the CPU time the command used (user + system), which the load
moves less.  The commands run with Python's bytecode cache on (as a pip
installation has it), whatever PYTHONDONTWRITEBYTECODE says here.
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

PY = sys.executable
BENCH = Path(__file__).resolve().parent
# Bytecode cached, as in any installed package: compiling actviz's modules
# on every start would add 0.1 s that no user pays.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
BASELINE = [PY, "-c", "import numpy, click"]

# The textbook formula next to each stable one: what accuracy costs.
NAIVE = {
    "sigmoid": (lambda x: 1 / (1 + np.exp(-x)), lambda x: (s := 1 / (1 + np.exp(-x))) * (1 - s)),
    "tanh": (np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    "softplus": (lambda x: np.log(1 + np.exp(x)), lambda x: 1 / (1 + np.exp(-x))),
    "gelu": (lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2))), None),
    "silu": (lambda x: x / (1 + np.exp(-x)), None),
    "mish": (lambda x: x * np.tanh(np.log(1 + np.exp(x))), None),
    "logsigmoid": (lambda x: np.log(1 / (1 + np.exp(-x))), None),
    "tanhshrink": (lambda x: x - np.tanh(x), lambda x: np.tanh(x) ** 2),
    "elu": (lambda x: np.where(x > 0, x, np.exp(x) - 1), None),
    "relu": (lambda x: np.maximum(x, 0), lambda x: (x > 0).astype(float)),
}


def _erf(x):
    from scipy.special import erf
    return erf(x)


def run(command, **kwargs):
    """Wall and CPU (user + system) seconds of one run of `command`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=ENV, **kwargs)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def timed(command, repeats, **kwargs):
    return statistics.median(run(command, **kwargs)[0] for _ in range(repeats))


def actviz_cmd(*args):
    return [PY, "-m", "actviz", *args]


def paired(command, baseline, repeats):
    """The median wall time of `command` and the medians of its wall and CPU
    ratios to `baseline`, each run paired with a run of the baseline, so a
    change in the machine's load between rows moves both."""
    walls, ratios, cpu_ratios = [], [], []
    for _ in range(repeats):
        base_wall, base_cpu = run(baseline)
        wall, cpu = run(command)
        walls.append(wall)
        ratios.append(wall / base_wall)
        cpu_ratios.append(cpu / base_cpu)
    return statistics.median(walls), statistics.median(ratios), statistics.median(cpu_ratios)


def startup(repeats):
    rows = [("start-up", "python -c pass", timed([PY, "-c", "pass"], repeats), None, None),
            ("start-up", "python -c 'import numpy, click'", timed(BASELINE, repeats), 1.0, 1.0)]
    for args in (["list"], ["info", "relu"], ["info", "gelu"], ["eval", "gelu", "1", "2", "3", "-d"],
                 ["eval", "sigmoid", "-800", "0", "37", "-d"], ["plot", "relu", "-d", "--term"]):
        rows.append(("start-up", "actviz " + " ".join(args), *paired(actviz_cmd(*args), BASELINE, repeats)))
    check = ("import sys; from actviz.cli import cli\n"
             "for a in (['list'], ['info', 'gelu'], ['eval', 'gelu', '1', '2', '3', '-d']):\n"
             "    try: cli.main(a)\n    except SystemExit: pass\n"
             "print(any(m.startswith(('matplotlib', 'scipy')) for m in sys.modules))")
    imported = subprocess.run([PY, "-c", check], capture_output=True, text=True).stdout.strip().splitlines()[-1]
    rows.append(("start-up", f"matplotlib or scipy imported by list/info/eval: {imported}", None, None, None))
    return rows


def every_function(repeats):
    """`actviz info NAME` and `actviz eval NAME 1 2 3 -d` for every registered
    function: one paired run each to find the five slowest, then `repeats`
    paired runs of those; the worst of their median ratios (the largest of
    136 single ratios would be the load's, not actviz's)."""
    import actviz
    rows = []
    for command in (["info"], ["eval", "1", "2", "3", "-d"]):
        def ratios(name, runs):
            return paired(actviz_cmd(command[0], name, *command[1:]), BASELINE, runs)
        screened = sorted(actviz.names(), key=lambda name: -ratios(name, 1)[2])[:5]
        confirmed = {name: ratios(name, repeats) for name in screened}
        worst = max(confirmed, key=lambda name: confirmed[name][2])
        rows.append(("start-up", f"actviz {' '.join(command)} for each of {len(actviz.names())} functions: "
                                 f"the worst ({worst})", *confirmed[worst]))
    return rows


def plotting(repeats, folder):
    """`actviz plot NAME -d` against bench/plot_script.py drawing the same
    figure by hand, and matplotlib's import (the floor) against the same script."""
    script = str(BENCH / "plot_script.py")
    rows = []
    for name in ("relu", "sigmoid", "gelu"):
        hand = [PY, script, name, str(folder / "hand.png")]
        rows.append(("plot", f"python bench/plot_script.py {name} (by hand, same figure)", timed(hand, 1), 1.0, 1.0))
        rows.append(("plot", f"actviz plot {name} -d -o {name}.png",
                     *paired(actviz_cmd("plot", name, "-d", "-o", str(folder / f"{name}.png")), hand, repeats)))
    hand = [PY, script, "relu", str(folder / "hand.png")]
    rows.append(("plot", "the floor: python -c 'import matplotlib.figure', against the relu script",
                 *paired([PY, "-c", "import matplotlib.figure"], hand, repeats)))
    return rows


def gallery(folder, per_figure):
    from actviz.gallery import jobs
    rows = []
    figures = len(jobs())
    sequential, sequential_cpu = run(actviz_cmd("gallery", "--jobs", "1", "--out", str(folder / "seq")),
                                     stderr=subprocess.DEVNULL)
    pool, pool_cpu = run(actviz_cmd("gallery", "--jobs", "2", "--out", str(folder / "pool")), stderr=subprocess.DEVNULL)
    if per_figure:
        start = time.perf_counter()
        for job in jobs():
            code = (f"from pathlib import Path; from actviz.gallery import render, Job; "
                    f"render(Job({job.stem!r}, {job.names!r}), Path({str(folder)!r}), ('png', 'svg'))")
            subprocess.run([PY, "-c", code], check=True, env=ENV)
        rows.append(("gallery", f"one process per figure ({figures} figures)", time.perf_counter() - start,
                     (time.perf_counter() - start) / sequential, None))
    rows.append(("gallery", f"one process, sequential (--jobs 1; {figures} figures, "
                            f"{1000 * sequential_cpu / figures:.0f} ms CPU a figure)", sequential, 1.0, 1.0))
    rows.append(("gallery", "process pool (--jobs 2)", pool, pool / sequential, pool_cpu / sequential_cpu))
    return rows


def throughput():
    import actviz
    x = np.random.default_rng(0).standard_normal(1_000_000) * 5
    rows = []
    for name in actviz.names():
        act = actviz.get(name)
        t_f = _best(lambda: act.f(x))
        t_df = _best(lambda: act.df(x))
        naive_f, naive_df = NAIVE.get(name, (None, None))
        with np.errstate(all="ignore"):
            ratio_f = t_f / _best(lambda: naive_f(x)) if naive_f else None
            ratio_df = t_df / _best(lambda: naive_df(x)) if naive_df else None
        rows.append((name, t_f * 1e3, t_df * 1e3, ratio_f, ratio_df))
    return rows


def _best(fn, repeats=5):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def memory():
    """Peak memory of f′ then f at 10⁷ points, each result dropped, in
    multiples of the input: every function; the five highest."""
    import actviz
    x = np.random.default_rng(0).standard_normal(10_000_000)
    rows = []
    for name in actviz.names():
        act = actviz.get(name)
        tracemalloc.start()
        act.df(x)
        act.f(x)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rows.append((name, peak / x.nbytes))
    return sorted(rows, key=lambda row: -row[1])[:5]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args()
    repeats = 5 if options.quick else 11
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    print(f"machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"numpy {np.__version__}")
    print(f"load average at the start: {os.getloadavg()[0]:.1f}")
    subprocess.run(actviz_cmd("list"), check=True, stdout=subprocess.DEVNULL, env=ENV)  # bytecode cached
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = (startup(repeats) + every_function(repeats) + plotting(repeats, folder)
                + gallery(folder, not options.quick))
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print("\n| what | command | median (s) | ratio (wall) | ratio (CPU) |\n|---|---|---|---|---|")
    for group, what, seconds, ratio, cpu_ratio in rows:
        print(f"| {group} | {what} | {'' if seconds is None else f'{seconds:.3f}'} | "
              f"{'' if ratio is None else f'{ratio:.2f}×'} | {'' if cpu_ratio is None else f'{cpu_ratio:.2f}×'} |")
    print("\nEvaluation at 10^6 points (best of 5; ratio = stable / textbook formula):\n")
    print("| function | f (ms) | f' (ms) | f vs textbook | f' vs textbook |\n|---|---|---|---|---|")
    for name, tf, tdf, rf, rdf in throughput():
        print(f"| {name} | {tf:.1f} | {tdf:.1f} | {'' if rf is None else f'{rf:.2f}×'} | "
              f"{'' if rdf is None else f'{rdf:.2f}×'} |")
    print("\nPeak memory of f and f' at 10^7 points, in multiples of the input array (80 MB), the five highest:\n")
    print("| function | peak / input |\n|---|---|")
    for name, ratio in memory():
        print(f"| {name} | {ratio:.1f} |")


if __name__ == "__main__":
    main()
