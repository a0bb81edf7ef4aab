"""A NARX network identifying a nonlinear plant (MATLAB's narxnet, in bpnn).

The plant of Narendra & Parthasarathy (1990, example 2), shipped as the data set
``narendra_plant``: y(t+1) = y(t) / (1 + y(t)^2) + u(t)^3 driven by a random input u. The
network learns from the first 800 steps open loop (true past outputs as inputs), then
simulates the plant closed loop, fed only its own outputs and the input: on the last 200
random-input steps, and on the paper's test input u(t) = sin(2 pi t / 25), which it never
saw. A short closed-loop fine-tuning (training through the feedback) follows.

Run:  python examples/plant_narx.py
"""

import numpy as np

import bpnn


def plant(u, y0):
    """The plant's outputs after y0 for inputs u: y(t+1) = y(t)/(1+y(t)^2) + u(t)^3."""
    y, out = y0, []
    for ut in u:
        y = y / (1 + y * y) + ut**3
        out.append(y)
    return np.asarray(out)


def rmse(a, b):
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


def main(verbose=True):
    df = bpnn.load_dataset("narendra_plant").frame
    u, y = df["u"].to_numpy(), df["y"].to_numpy()
    model = bpnn.narxnet(
        input_delays="1:2",
        feedback_delays="1:2",
        hidden=10,
        epochs=200,
        random_state=0,
        warn=False,
        preset="matlab",  # MATLAB's lm and block division; BPForecaster() alone searches
    ).fit(y[:800], u[:800])
    # closed loop over the held-out steps: y(800..999) from u(800..999) alone
    sim = model.predict(200, X=u[800:])
    out = {"closed_loop_rmse_random": rmse(sim, y[800:]), "std_y": float(np.std(y[800:]))}
    # a new input: the paper's sinusoid, the plant started from the last known state
    t = np.arange(200)
    u_sin = np.sin(2 * np.pi * t / 25)
    truth = plant(np.r_[u[799], u_sin[:-1]], y[799])  # y(800..999)
    out["closed_loop_rmse_sine"] = rmse(model.predict(200, X=u_sin), truth)
    model.fine_tune_closed_loop(y[:800], u[:800], horizon=10, epochs=5)
    out["fine_tuned_rmse_random"] = rmse(model.predict(200, X=u[800:]), y[800:])
    if verbose:
        for k, v in out.items():
            print(f"  {k:24s} {v:.5f}")
    return out


if __name__ == "__main__":
    main()
