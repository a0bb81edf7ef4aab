"""Shared pieces of the benchmark suite: timing, result rows, the machine description.

Every comparison is a ratio measured in ONE run: ``peer time / bpnn time`` for speed (higher
is better for bpnn) or ``peak extra memory / data size`` for memory (lower is better).
Each side is timed ``repeats`` times; the ratio uses the minimum of each side (the least
disturbed run on a shared machine), and the medians are reported next to it.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:  # `benchmarks.peers` importable as a package
    sys.path.insert(0, ROOT)


@dataclass
class Row:
    """One line of the results table."""

    work: str
    peer: str
    target: str  # e.g. ">= 1.5x"
    goal: float | None  # the number the ratio is compared with (None: info only)
    ratio: float  # measured: peer/bpnn time, or peak/data for memory
    ours: str  # bpnn's figure, min / median
    theirs: str  # the peer's figure, min / median
    lower_is_better: bool = False
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def status(self) -> str:
        if self.goal is None or self.ratio != self.ratio:  # info row, or NaN
            return "info" if self.goal is None else "FAIL"
        ok = self.ratio <= self.goal if self.lower_is_better else self.ratio >= self.goal
        return "PASS" if ok else "FAIL"

    def as_dict(self):
        d = asdict(self)
        d["status"] = self.status
        return d


def timings(fn, repeats=3, warmup=1):
    """Seconds of ``fn()`` over ``repeats`` calls after ``warmup`` calls: (min, median)."""
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return min(ts), statistics.median(ts)


def timings_setup(setup, fn, repeats=3, warmup=1):
    """Like :func:`timings`, but ``fn(setup())`` with ``setup`` outside the clock (e.g. a
    fresh network for every timed ``bpnn.train`` call)."""
    for _ in range(warmup):
        fn(setup())
    ts = []
    for _ in range(repeats):
        arg = setup()
        t0 = time.perf_counter()
        fn(arg)
        ts.append(time.perf_counter() - t0)
    return min(ts), statistics.median(ts)


def fmt_s(t_min, t_med):
    """'12.3 ms / 13.0 ms' style min / median."""

    def one(t):
        if t < 1e-3:
            return f"{t * 1e6:.1f} µs"
        if t < 1:
            return f"{t * 1e3:.2f} ms"
        return f"{t:.3f} s"

    return f"{one(t_min)} / {one(t_med)}"


def threads(n):
    """A context that limits every BLAS/OpenMP pool in the process to ``n`` threads."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=int(n))


def machine() -> dict:
    """What the numbers were measured on."""
    import numpy as np
    from threadpoolctl import threadpool_info

    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    blas = [
        f"{d.get('internal_api')} {d.get('version')} ({d.get('architecture')}, "
        f"{d.get('num_threads')} threads)"
        for d in threadpool_info()
        if d.get("user_api") == "blas"
    ]
    versions = {"python": platform.python_version(), "numpy": np.__version__}
    for mod in ("numba", "scipy", "sklearn", "torch", "bpnn"):
        try:
            versions[mod] = __import__(mod).__version__
        except (ImportError, AttributeError):  # an absent peer is reported as such
            versions[mod] = "absent"
    flags = ""
    try:
        with open("/proc/cpuinfo") as fh:
            f = next(line for line in fh if line.startswith("flags")).split()
        flags = " ".join(x for x in ("avx2", "fma", "avx512f") if x in f)
    except (OSError, StopIteration):
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = (float("nan"),) * 3
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "simd": flags,
        "blas": sorted(set(blas)),
        "versions": versions,
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in load],
        "openblas_env": {k: os.environ[k] for k in os.environ if k.startswith("OPENBLAS")},
    }
