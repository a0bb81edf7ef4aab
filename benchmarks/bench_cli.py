"""Start-up time of the command line, timed as whole processes.

* ``bpnn --help`` against ``python -c "import numpy"`` (target: at most 2x);
* ``bpnn predict model.bpnn rows.csv`` — 20 rows of iris, a model saved by
  ``bpnn train iris -o model.bpnn`` — against ``python -c "import numpy, pandas"``
  (target: at most 1.5x); pandas is the peer's because ``bpnn predict`` reads the table
  with it;
* ``python -c "import bpnn"`` against ``import numpy``, for information.

The command is the console script next to the interpreter (``<venv>/bin/bpnn``), or
``python -m bpnn`` where there is none; the row's note says which. Either runs the bpnn
this interpreter imports (set PYTHONPATH to time a checkout). The model and the CSV are
made in a temporary directory. Each command runs ``max(5, repeats)`` times, the two sides
of a row alternating; the ratio is bpnn's minimum over the peer's minimum (lower is better).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_common import Row, fmt_s


def bpnn_command():
    """(argv prefix, description) of the ``bpnn`` command to time."""
    script = Path(sys.executable).parent / "bpnn"
    if script.exists():
        return [str(script)], f"console script {script}"
    return [sys.executable, "-m", "bpnn"], f"{Path(sys.executable).name} -m bpnn"


def _time(argv, cwd):
    t0 = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def _pair(ours, theirs, runs, cwd):
    """(min, median) seconds of each command, run alternately ``runs`` times after one
    untimed run of each (disk caches, .pyc files)."""
    _time(ours, cwd), _time(theirs, cwd)
    a, b = [], []
    for _ in range(runs):
        a.append(_time(ours, cwd))
        b.append(_time(theirs, cwd))
    return (min(a), statistics.median(a)), (min(b), statistics.median(b))


def _files(d, bpnn):
    import bpnn as lib

    subprocess.run(
        [*bpnn, "train", "iris", "-o", "model.bpnn", "-q"],
        cwd=d,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    ds = lib.load_dataset("iris")
    ds.frame[list(ds.features)].sample(20, random_state=0).to_csv(d / "rows.csv", index=False)


def run(repeats=3):
    runs = max(5, repeats)
    bpnn, how = bpnn_command()
    py = sys.executable
    out = []
    with tempfile.TemporaryDirectory(prefix="bench_cli_") as tmp:
        d = Path(tmp)
        _files(d, bpnn)
        cases = [
            (
                "bpnn --help",
                [*bpnn, "--help"],
                'python -c "import numpy"',
                [py, "-c", "import numpy"],
                "<= 2x",
                2.0,
            ),
            (
                "bpnn predict model.bpnn rows.csv (20 rows, iris model)",
                [*bpnn, "predict", "model.bpnn", "rows.csv"],
                'python -c "import numpy, pandas"',
                [py, "-c", "import numpy, pandas"],
                "<= 1.5x",
                1.5,
            ),
            (
                'python -c "import bpnn"',
                [py, "-c", "import bpnn"],
                'python -c "import numpy"',
                [py, "-c", "import numpy"],
                "",
                None,
            ),
        ]
        for work, ours, peer, theirs, target, goal in cases:
            t_ours, t_theirs = _pair(ours, theirs, runs, d)
            out.append(
                Row(
                    work,
                    peer,
                    target,
                    goal,
                    t_ours[0] / t_theirs[0],
                    fmt_s(*t_ours),
                    fmt_s(*t_theirs),
                    lower_is_better=True,
                    note=f"process time, min of {runs}; {how}"
                    if goal
                    else f"process time, min of {runs} (info)",
                )
            )
    return out


if __name__ == "__main__":
    from run_all import _table

    print(_table(run()))
