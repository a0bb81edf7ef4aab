"""The ``bpnn`` command line (first cut: ``explain`` and ``train`` on built-in data)."""
from __future__ import annotations

import argparse
import sys

import numpy as np


class UsageError(Exception):
    """A bad input or option: reported in one line, exit code 2."""


def _floats(text, what):
    try:
        return [float(v) for v in text.split(",")]
    except ValueError:
        raise UsageError(f"{what} must be comma-separated numbers, got {text!r}") from None


def cmd_explain(args):
    from .explain import explain
    from .network import Network
    if args.sizes:
        sizes = [int(v) for v in _floats(args.sizes, "--sizes")]
        net = Network(sizes, args.activation.split(",") if "," in args.activation
                      else args.activation, seed=args.seed)
        x = _floats(args.input, "--input") if args.input else np.zeros(sizes[0])
        d = _floats(args.target, "--target") if args.target else np.zeros(sizes[-1])
        explain(net, x, d, lr=args.lr)
    else:
        explain(lr=args.lr)
    return 0


def cmd_train(args):
    from .network import Network
    from .trainer import train
    x = np.linspace(-1, 1, 41)[:, None]
    y = np.sin(np.pi * x)
    net = Network([1, 10, 1], ["tansig", "purelin"], init="nguyen-widrow", seed=args.seed)
    rec = train(net, x, y, algorithm="sgd", loss="mse", lr=0.05, epochs=args.epochs,
                goal=0.002, seed=args.seed, progress=sys.stdout.isatty())
    print(f"sine fit 1-10-1 tansig/purelin, per-sample BP: {rec.epochs} epochs, "
          f"MSE {rec.final_loss:.5f}, stop: {rec.stop_reason}")
    return 0


def build_parser():
    p = argparse.ArgumentParser(prog="bpnn", description="BP neural networks")
    sub = p.add_subparsers(dest="command", required=True)
    e = sub.add_parser("explain", help="one BP step, explained in the tutorial's notation")
    e.add_argument("--lr", type=float, default=0.5)
    e.add_argument("--sizes", help="describe a network instead, e.g. 2,3,1")
    e.add_argument("--activation", default="logsig")
    e.add_argument("--input")
    e.add_argument("--target")
    e.add_argument("--seed", type=int, default=0)
    e.set_defaults(func=cmd_explain)
    t = sub.add_parser("train", help="train a network")
    t.add_argument("--epochs", type=int, default=2000)
    t.add_argument("--seed", type=int, default=0)
    t.set_defaults(func=cmd_train)
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (UsageError, ValueError) as exc:
        print(f"bpnn: error: {exc}", file=sys.stderr)
        return 2
