"""actviz benchmarks: run them all on this machine and print one table.

    python bench/run.py            # everything (about three minutes on 2 cores)
    python bench/run.py --quick    # fewer repeats, no per-figure gallery run

Timings are medians of repeated runs of whole commands (start-up included),
so they are what a user waits for.  Nothing here is a pass/fail test.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

PY = sys.executable
HAND_WRITTEN = """
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

x = np.linspace(-5, 5, 1201)
fig, ax = plt.subplots(figsize=(8, 4.5))
ax.plot(x, np.maximum(x, 0), label="relu")
ax.plot(x, (x > 0).astype(float), "--", label="relu'")
ax.axhline(0, color="k", lw=0.8)
ax.axvline(0, color="k", lw=0.8)
ax.legend()
ax.set_title("relu")
fig.savefig({path!r}, dpi=200)
"""

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


def timed(command, repeats, **kwargs):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, **kwargs)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def actviz_cmd(*args):
    return [PY, "-m", "actviz", *args]


def paired(command, baseline, repeats):
    """Median time of `command` and the median of its ratios to `baseline`,
    each run paired with a run of the baseline, so a change in the
    machine's load between rows moves both."""
    times, ratios = [], []
    for _ in range(repeats):
        base = timed(baseline, 1)
        times.append(timed(command, 1))
        ratios.append(times[-1] / base)
    return statistics.median(times), statistics.median(ratios)


def startup(repeats):
    rows = []
    baseline = [PY, "-c", "import numpy, click"]
    rows.append(("start-up", "python -c pass", timed([PY, "-c", "pass"], repeats), None))
    rows.append(("start-up", "python -c 'import numpy, click'", timed(baseline, repeats), 1.0))
    for args in (["list"], ["info", "relu"], ["info", "gelu"], ["eval", "gelu", "1", "2", "3", "-d"],
                 ["eval", "sigmoid", "-800", "0", "37", "-d"], ["plot", "relu", "-d", "--term"]):
        rows.append(("start-up", "actviz " + " ".join(args), *paired(actviz_cmd(*args), baseline, repeats)))
    check = ("import sys; from actviz.cli import cli\n"
             "for a in (['list'], ['info', 'gelu'], ['eval', 'gelu', '1', '2', '3', '-d']):\n"
             "    try: cli.main(a)\n    except SystemExit: pass\n"
             "print(any(m.startswith(('matplotlib', 'scipy')) for m in sys.modules))")
    imported = subprocess.run([PY, "-c", check], capture_output=True, text=True).stdout.strip().splitlines()[-1]
    rows.append(("start-up", f"matplotlib or scipy imported by list/info/eval: {imported}", None, None))
    return rows


def plotting(repeats, folder):
    script = folder / "hand_written.py"
    script.write_text(HAND_WRITTEN.format(path=str(folder / "hand.png")))
    hand = timed([PY, str(script)], repeats)
    ours = timed(actviz_cmd("plot", "relu", "-d", "-o", str(folder / "relu.png")), repeats)
    return [("plot", "hand-written pyplot script (15 lines)", hand, 1.0),
            ("plot", "actviz plot relu -d -o relu.png", ours, ours / hand)]


def gallery(folder, per_figure):
    from actviz.gallery import jobs
    rows = []
    sequential = timed(actviz_cmd("gallery", "--jobs", "1", "--out", str(folder / "seq")), 1,
                       stderr=subprocess.DEVNULL)
    pool = timed(actviz_cmd("gallery", "--jobs", "2", "--out", str(folder / "pool")), 1, stderr=subprocess.DEVNULL)
    if per_figure:
        start = time.perf_counter()
        for job in jobs():
            code = (f"from pathlib import Path; from actviz.gallery import render, Job; "
                    f"render(Job({job.stem!r}, {job.names!r}), Path({str(folder)!r}), ('png', 'svg'))")
            subprocess.run([PY, "-c", code], check=True)
        rows.append(("gallery", f"one process per figure ({len(jobs())} figures)", time.perf_counter() - start,
                     (time.perf_counter() - start) / sequential))
    rows.append(("gallery", "one process, sequential (--jobs 1)", sequential, 1.0))
    rows.append(("gallery", "process pool (--jobs 2)", pool, pool / sequential))
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
    import actviz
    x = np.random.default_rng(0).standard_normal(10_000_000)
    rows = []
    for name in ("relu", "sigmoid", "gelu", "tanhshrink", "mish"):
        act = actviz.get(name)
        tracemalloc.start()
        act.df(x)
        act.f(x)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rows.append((name, peak / x.nbytes))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args()
    repeats = 3 if options.quick else 7
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    print(f"machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"numpy {np.__version__}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = startup(repeats) + plotting(repeats, folder) + gallery(folder, not options.quick)
    print("\n| what | command | median (s) | ratio |\n|---|---|---|---|")
    for group, what, seconds, ratio in rows:
        print(f"| {group} | {what} | {'' if seconds is None else f'{seconds:.3f}'} | "
              f"{'' if ratio is None else f'{ratio:.2f}×'} |")
    print("\nEvaluation at 10^6 points (best of 5; ratio = stable / textbook formula):\n")
    print("| function | f (ms) | f' (ms) | f vs textbook | f' vs textbook |\n|---|---|---|---|---|")
    for name, tf, tdf, rf, rdf in throughput():
        print(f"| {name} | {tf:.1f} | {tdf:.1f} | {'' if rf is None else f'{rf:.2f}×'} | "
              f"{'' if rdf is None else f'{rdf:.2f}×'} |")
    print("\nPeak memory of f and f' at 10^7 points, in multiples of the input array (80 MB):\n")
    print("| function | peak / input |\n|---|---|")
    for name, ratio in memory():
        print(f"| {name} | {ratio:.1f} |")


if __name__ == "__main__":
    main()
