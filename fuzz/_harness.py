"""Shared driver for the fuzz scripts: Atheris (coverage-guided) if installed, else a
built-in random mutator over the seed corpus. Both run for a given number of minutes.

A *finding* is any exception other than the ``expected`` ones (bad input must become a
ValueError with a one-line message), or a hang/crash of the interpreter. Findings are
written to ``fuzz/findings/<name>-<sha1>.bin`` so they can become regression tests.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def parse_args(name):
    p = argparse.ArgumentParser(description=f"fuzz the {name}")
    p.add_argument("--minutes", type=float, default=1.0, help="how long to run (default 1)")
    p.add_argument("--engine", choices=["auto", "atheris", "random"], default="auto")
    p.add_argument("--seed", type=int, default=0, help="seed of the random engine")
    return p.parse_known_args()


def engine() -> str:
    """The engine the command line asks for ("auto" → atheris when it imports)."""
    chosen = parse_args("")[0].engine
    if chosen == "auto":
        try:
            import atheris  # noqa: F401
            return "atheris"
        except ImportError:
            return "random"
    return chosen


def instrumented_imports():
    """Context for importing bpnn: Atheris coverage hooks, except in Numba-compiled code
    (the kernels must stay plain Python for Numba to compile them)."""
    import contextlib
    if engine() != "atheris":
        return contextlib.nullcontext()
    import atheris
    return atheris.instrument_imports(include=["bpnn", "zipfile", "json", "csv"],
                                      exclude=["bpnn._kernels"])


def save_finding(name, data: bytes, exc: BaseException) -> Path:
    out = HERE / "findings"
    out.mkdir(exist_ok=True)
    path = out / f"{name}-{hashlib.sha1(data).hexdigest()[:12]}.bin"
    path.write_bytes(data)
    path.with_suffix(".txt").write_text("".join(traceback.format_exception(exc)))
    return path


def _mutate(rnd: random.Random, data: bytes, corpus) -> bytes:
    b = bytearray(data)
    for _ in range(rnd.randint(1, 8)):
        op = rnd.randrange(6)
        if op == 0 and b:                               # flip a bit
            i = rnd.randrange(len(b))
            b[i] ^= 1 << rnd.randrange(8)
        elif op == 1 and b:                             # overwrite with an interesting byte
            b[rnd.randrange(len(b))] = rnd.choice(b"\x00\xff\x7f\x80,;\t\n\"'-.eEnN9")
        elif op == 2:                                   # insert random bytes
            i = rnd.randrange(len(b) + 1)
            b[i:i] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 16)))
        elif op == 3 and b:                             # delete a run
            i = rnd.randrange(len(b))
            del b[i:i + rnd.randint(1, 64)]
        elif op == 4 and b:                             # truncate
            del b[rnd.randrange(len(b)):]
        elif op == 5 and corpus:                        # splice with another seed
            other = rnd.choice(corpus)
            i, j = rnd.randrange(len(b) + 1), rnd.randrange(len(other) + 1)
            b = b[:i] + other[j:]
    return bytes(b)


def run(name, target, seeds, expected=(ValueError,)):
    """Fuzz ``target(data: bytes)``; exceptions in ``expected`` are fine, others are findings."""
    args, rest = parse_args(name)
    chosen = engine()

    def one(data: bytes):
        try:
            target(data)
        except expected:
            pass

    seconds = max(1, int(args.minutes * 60))
    if chosen == "atheris":
        import atheris
        corpus = HERE / "corpus" / name
        corpus.mkdir(parents=True, exist_ok=True)
        for i, s in enumerate(seeds):
            (corpus / f"seed{i}").write_bytes(s)
        findings = HERE / "findings"
        findings.mkdir(exist_ok=True)
        argv = [sys.argv[0], str(corpus), f"-max_total_time={seconds}", "-timeout=20",
                f"-artifact_prefix={findings}/{name}-", "-rss_limit_mb=4096", *rest]
        atheris.Setup(argv, one)
        atheris.Fuzz()
        return
    import signal

    class Hang(BaseException):   # not an Exception/OSError: no reader can swallow it
        pass

    def hang(signum, frame):
        raise Hang("one input ran for more than 20 s")
    signal.signal(signal.SIGALRM, hang)
    rnd = random.Random(args.seed)
    corpus, runs, found = list(seeds), 0, 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        data = _mutate(rnd, rnd.choice(corpus), corpus)
        runs += 1
        signal.alarm(20)
        try:
            one(data)
        except (Exception, Hang) as exc:  # noqa: BLE001 - every other exception is a finding
            found += 1
            print(f"FINDING {type(exc).__name__}: {exc} -> {save_finding(name, data, exc)}")
        finally:
            signal.alarm(0)
        if runs % 500 == 0 and len(corpus) < 2000:
            corpus.append(data)                        # keep some variety
    print(f"{name}: {runs} inputs in {seconds} s, {found} findings")
    os._exit(1 if found else 0)
