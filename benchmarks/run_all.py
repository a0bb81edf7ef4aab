"""Run every bpnn benchmark and print the issue's target table with PASS/FAIL.

    bash benchmarks/install_peers.sh          # FANN (libfann-dev), torch==2.13.0, sklearn
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/run_all.py

(unset the two OPENBLAS_* overrides in that command only, so that OpenBLAS picks its own
kernels for this CPU, as it does for every peer; the machine block shows what it picked).
Every ratio comes from this one run; ``--json PATH`` stores rows and machine, ``--markdown``
prints the table as Markdown (for docs/benchmarks.md). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_common import machine

SUITES = ("per_sample", "minibatch", "estimators", "lm", "predict", "memory", "cli")


def _table(rows, markdown=False):
    head = (
        "status",
        "ratio",
        "target",
        "work",
        "peer",
        "bpnn min / median",
        "peer min / median",
        "note",
    )
    lines = []
    for r in rows:
        ratio = "-" if r.ratio != r.ratio else f"{r.ratio:.2f}x"
        lines.append((r.status, ratio, r.target or "-", r.work, r.peer, r.ours, r.theirs, r.note))
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += ["| " + " | ".join(x.replace("|", "/") for x in line) + " |" for line in lines]
        return "\n".join(out)
    widths = [max(len(str(x)) for x in col) for col in zip(head, *lines)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join(
        [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
        + [fmt.format(*line) for line in lines]
    )


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", choices=SUITES, default=list(SUITES))
    ap.add_argument("--repeats", type=int, default=3, help="timed repeats per side (>= 3)")
    ap.add_argument("--json", help="write rows and the machine description here")
    ap.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    args = ap.parse_args(argv)
    info = machine()
    print("machine:", json.dumps(info, indent=1))
    rows, t0 = [], time.perf_counter()
    for name in args.only:
        mod = __import__(f"bench_{name}")
        t = time.perf_counter()
        new = mod.run(repeats=args.repeats)
        rows += new
        print(f"[{name}: {time.perf_counter() - t:.0f} s]", flush=True)
        print(_table(new), flush=True)
    print(f"\nall benchmarks, one run ({time.perf_counter() - t0:.0f} s):\n")
    print(_table(rows))
    if args.markdown:
        print("\n" + _table(rows, markdown=True))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"machine": info, "rows": [r.as_dict() for r in rows]}, fh, indent=1)
    failed = [r for r in rows if r.status == "FAIL"]
    print(
        f"\n{sum(r.status == 'PASS' for r in rows)} PASS, {len(failed)} FAIL, "
        f"{sum(r.status == 'info' for r in rows)} info rows"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
