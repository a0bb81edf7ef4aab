"""A NAR network on the yearly sunspot numbers (MATLAB's narnet, in bpnn).

The classic split of Weigend, Huberman & Rumelhart (1990): the network learns from
1700-1920 and is tested on 1921-1955 and 1956-1979, one step ahead (each year predicted from
the true values of the 12 years before it: open loop) and as a closed-loop forecast of
1921-1955 made at the end of 1920 (each prediction fed back).

Run:  python examples/sunspots_nar.py
"""

import numpy as np

import bpnn


def nmse(truth, pred):
    """Mean squared error over the variance of the truth (1: as good as its mean)."""
    truth, pred = np.asarray(truth, float), np.asarray(pred, float)
    return float(np.mean((truth - pred) ** 2) / np.var(truth))


def main(verbose=True):
    frame = bpnn.load_dataset("sunspots").frame
    y = frame.set_index("year")["sunspots"].astype(float)
    train = y.loc[:1920]
    # 12 lags, as in the papers; the last 15 % of the training years stop training early
    model = bpnn.narnet(
        feedback_delays="1:12",
        hidden=8,
        ratios=(0.85, 0.15, 0.0),
        n_restarts=3,
        random_state=0,
        warn=False,
        preset="matlab",  # MATLAB's lm and block division; BPForecaster() alone searches
    ).fit(train)
    one_step = model.predict_open_loop(y.loc[:1979])  # true past values as inputs
    out = {"stop": model.record_.stop_reason, "epochs": model.record_.epochs}
    for a, b in ((1921, 1955), (1956, 1979)):
        out[f"one_step_nmse_{a}_{b}"] = nmse(y.loc[a:b], one_step.loc[a:b])
    forecast = model.predict(35)  # 1921..1955, closed loop
    out["closed_loop_nmse_1921_1955"] = nmse(y.loc[1921:1955], forecast)
    out["persistence_nmse_1921_1955"] = nmse(y.loc[1921:1955], np.full(35, y.loc[1920]))
    if verbose:
        print(
            f"trained {out['epochs']} epochs ({out['stop']}); forecast index "
            f"{forecast.index[0]}..{forecast.index[-1]}"
        )
        for k, v in out.items():
            if k.endswith(("1955", "1979")):
                print(f"  {k:28s} {v:.3f}")
    return out


if __name__ == "__main__":
    main()
