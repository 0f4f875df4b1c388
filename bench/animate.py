"""How long a 60-frame 1600×900 animation takes, and how much memory.

    python bench/animate.py            # GIF, HTML and MP4, 3 runs each
    python bench/animate.py --quick    # GIF only, one run

Each run is the whole command in a fresh process (start-up included):
the wall time a user waits, the CPU time it used (less sensitive to other
work on the machine; ffmpeg's included for MP4), and its peak resident
memory (ru_maxrss: for MP4 the larger of actviz's and ffmpeg's).
The budget the README states: under 15 s and 300 MB for the GIF.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

COMMAND = ["animate", "leaky_relu", "-p", "negative_slope=0:0.3:60", "-d"]


def measure(suffix: str, folder: str) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak MB) of one run, in a child that reports its own usage."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "wall = time.perf_counter() - start\n"
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)\n"
    )
    command = [sys.executable, "-c", probe, sys.executable, "-m", "actviz", *COMMAND,
               "-o", os.path.join(folder, f"sweep.{suffix}")]
    wall, cpu, peak = (float(v) for v in subprocess.run(command, check=True, capture_output=True,
                                                         text=True).stdout.split())
    return wall, cpu, peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="GIF only, one run")
    args = parser.parse_args()
    runs = 1 if args.quick else 3
    print(f"`actviz {' '.join(COMMAND)} -o sweep.SUFFIX` (60 frames, 1600×900 px); "
          f"median of {runs}; load average {os.getloadavg()[0]:.1f} at start")
    print("| format | wall (s) | CPU (s) | peak memory (MB) | file (MB) |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for suffix in ("gif",) if args.quick else ("gif", "html", "mp4"):
            results = [measure(suffix, folder) for _ in range(runs)]
            wall, cpu, peak = (statistics.median(r[i] for r in results) for i in range(3))
            size = os.path.getsize(os.path.join(folder, f"sweep.{suffix}")) / 1e6
            print(f"| {suffix} | {wall:.1f} | {cpu:.1f} | {peak:.0f} | {size:.1f} |")


if __name__ == "__main__":
    main()
