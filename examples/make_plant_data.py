"""Generate src/bpnn/data/narendra_plant.csv: a simulated nonlinear plant for NARX.

Narendra & Parthasarathy (1990), "Identification and control of dynamical systems using
neural networks", IEEE Trans. Neural Networks 1(1), example 2:

    y(t+1) = y(t) / (1 + y(t)^2) + u(t)^3,        y(0) = 0,

driven by an input u(t) drawn independently from the uniform distribution on [-1, 1]
(numpy's default_rng(SEED)). 1,000 time steps t = 0..999; the file has the columns
t, u, y with y(t) the output *after* u(t-1) acted (so y(t) depends on u(t-1), y(t-1):
a NARX network with input and feedback delay 1 can represent it exactly). Values are
rounded to 8 decimals; the y column is then exactly the recursion on the rounded u up to
that rounding (the check at the bottom asserts it).

Run:  python examples/make_plant_data.py        (rewrites the CSV; same seed, same bytes)
"""

from pathlib import Path

import numpy as np

SEED = 1990
N = 1000
OUT = Path(__file__).resolve().parents[1] / "src" / "bpnn" / "data" / "narendra_plant.csv"


def plant(u, y0=0.0):
    """The plant's outputs y(0..n-1) for inputs u(0..n-1): y(t+1) = y/(1+y²) + u(t)³."""
    y = np.empty(len(u))
    y[0] = y0
    for t in range(len(u) - 1):
        y[t + 1] = y[t] / (1.0 + y[t] ** 2) + u[t] ** 3
    return y


def main(path=OUT):
    u = np.round(np.random.default_rng(SEED).uniform(-1.0, 1.0, N), 8)
    y = plant(u)
    lines = ["t,u,y"] + [f"{t},{u[t]:.8f},{y[t]:.8f}" for t in range(N)]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    back = np.loadtxt(path, delimiter=",", skiprows=1)
    assert np.allclose(
        back[1:, 2], back[:-1, 2] / (1 + back[:-1, 2] ** 2) + back[:-1, 1] ** 3, atol=1e-7
    )
    return path


if __name__ == "__main__":
    print(main())
