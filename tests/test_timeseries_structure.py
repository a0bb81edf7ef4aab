"""The forecaster's automatic structure (bpnn.timeseries.structure), its defaults, and the
guarded closed-loop fine-tuning."""

import numpy as np
import pytest

import bpnn
from bpnn.cli import main
from bpnn.timeseries import BPForecaster, narnet, narxnet, timedelaynet
from bpnn.timeseries import structure
from bpnn.timeseries.forecaster import MIN_SEARCH_ROWS, PRESETS

#: a short search: few epochs per candidate keep every test here fast
QUICK = dict(epochs=15, random_state=0, warn=False)


def _seasonal(n=120, seed=0):
    """A noisy sine of period 8 on a slow trend."""
    t = np.arange(n)
    rng = np.random.default_rng(seed)
    return 0.01 * t + np.sin(2 * np.pi * t / 8) + 0.05 * rng.standard_normal(n)


def _plant(n=150, seed=0):
    u = np.random.default_rng(seed).uniform(-1, 1, n)
    y = np.zeros(n)
    for t in range(n - 1):
        y[t + 1] = y[t] / (1 + y[t] ** 2) + u[t] ** 3
    return u, y


# -- what the series shows ----------------------------------------------------------------------
def test_pacf_is_the_last_yule_walker_coefficient():
    y = np.cumsum(np.random.default_rng(1).standard_normal(300)) * 0.1 + np.sin(np.arange(300))
    r = structure._acf(y, 6)
    got = structure.pacf(y, 6)
    for k in range(1, 7):  # Toeplitz(r_0..r_{k-1}) phi = r_1..r_k; the PACF is phi_k
        R = np.array([[r[abs(i - j)] for j in range(k)] for i in range(k)])
        phi = np.linalg.solve(R, r[1 : k + 1])
        assert got[k - 1] == pytest.approx(phi[-1], abs=1e-10)


def test_an_ar1_series_has_one_partial_autocorrelation_and_aic_order_one():
    rng = np.random.default_rng(0)
    y = np.zeros(3000)
    for t in range(1, 3000):
        y[t] = 0.7 * y[t - 1] + rng.standard_normal()
    p = structure.pacf(y, 5)
    assert p[0] == pytest.approx(0.7, abs=0.03) and np.all(np.abs(p[1:]) < 0.06)
    assert structure.ar_aic_order(y, 8) in (1, 2)


def test_season_and_embedding_are_found_where_they_are_and_not_in_noise():
    noise = np.random.default_rng(0).standard_normal(400)
    assert structure.find_season(_seasonal(240), 30) == 8
    assert structure.find_season(noise, 30) is None
    x = np.zeros(600)
    x[0] = x[1] = 0.1
    for t in range(1, 599):  # the Hénon map: two delays determine the next value
        x[t + 1] = 1 - 1.4 * x[t] ** 2 + 0.3 * x[t - 1]
    d, tau = structure.embedding(x[100:])
    assert 2 <= d <= 3 and tau == 1
    assert structure.embedding(noise) is None


def test_candidates_are_distinct_and_include_the_season():
    cands = structure.delay_candidates(_seasonal(240)[:, None], 20)
    delays = [d for _, d in cands]
    assert len(set(delays)) == len(delays) and delays[0] == (1, 2)
    assert tuple(range(1, 10)) in delays  # 1..m+1 for the season m = 8 (or a twin of it)


# -- the defaults -------------------------------------------------------------------------------
def test_the_documented_defaults_are_the_ones_used():
    p = BPForecaster().get_params()
    assert (p["feedback_delays"], p["input_delays"], p["hidden"]) == ("auto", "auto", "auto")
    assert (p["algorithm"], p["division"], p["preset"], p["horizon"]) == (
        "auto",
        "auto",
        "default",
        None,
    )
    eff = BPForecaster().effective_params()
    assert eff["algorithm"] == "br" and eff["division"] is None and eff["hidden"] == "auto"
    m = BPForecaster(preset="matlab").effective_params()
    assert (m["feedback_delays"], m["input_delays"], m["hidden"]) == ((1, 2), (1, 2), (10,))
    assert (m["algorithm"], m["division"], m["difference"]) == ("lm", "block", 0)
    assert p["difference"] == "auto" and PRESETS["default"]["difference"] == "auto"
    assert PRESETS["matlab"]["hidden"] == (10,) and structure.DEFAULT_HORIZON == 10
    n = narnet().get_params()
    assert (n["feedback_delays"], n["hidden"], n["input_delays"]) == ("auto", "auto", ())
    assert narxnet().get_params()["input_delays"] == "auto"
    assert timedelaynet().get_params()["feedback_delays"] == ()
    # a fit with defaults searches, at the default horizon, and trains br on every row
    y = _seasonal()
    fit = BPForecaster(**QUICK).fit(y)
    assert fit.structure_["horizon"] == 10 and fit.algorithm_ == "br"
    assert fit.structure_["searched"] == ["difference", "feedback_delays", "hidden"]
    assert len(fit.record_.train_idx) == len(y) - fit.max_delay_  # division None
    assert list(fit.feedback_delays_) == fit.structure_["feedback_delays"]
    assert list(fit.network_.sizes[1:-1]) == fit.structure_["hidden"]
    # MATLAB's preset: no search, 1:2 / 10 / lm / block
    mat = BPForecaster(preset="matlab", **QUICK).fit(y)
    assert mat.structure_ is None and mat.feedback_delays_ == (1, 2)
    assert mat.network_.sizes == [2, 10, 1] and mat.algorithm_ == "lm"
    assert mat.record_.val_idx is not None


def test_the_command_line_trains_the_api_default_model(tmp_path, capsys):
    import pandas as pd

    y = _seasonal()
    pd.DataFrame({"y": y}).to_csv(tmp_path / "s.csv", index=False)
    code = main(["train", str(tmp_path / "s.csv"), "--target", "y", "--epochs", "15"])
    out = capsys.readouterr().out
    assert code == 0
    api = BPForecaster(epochs=15, random_state=0).fit(pd.Series(y, name="y"))
    assert f"structure chosen: {api.structure_['summary']}" in " ".join(out.split())
    assert "candidates (fitted on the first" in out
    code = main(
        ["train", str(tmp_path / "s.csv"), "--target", "y", "--epochs", "15", "-q"]
        + ["-o", str(tmp_path / "m.bpnn")]
    )
    assert code == 0
    cli = bpnn.load(tmp_path / "m.bpnn")
    assert cli.structure_ == api.structure_
    np.testing.assert_allclose(np.asarray(cli.predict(12)), np.asarray(api.predict(12)))


def test_bad_structure_settings_are_one_line_errors():
    y = _seasonal()
    with pytest.raises(ValueError, match="preset must be one of"):
        BPForecaster(preset="fast").fit(y)
    with pytest.raises(ValueError, match="horizon must be"):
        BPForecaster(horizon=0).fit(y)
    with pytest.raises(ValueError, match="one hidden layer"):
        BPForecaster(activation=("tansig", "logsig")).fit(y)


def test_a_short_series_takes_matlabs_structure_and_says_so():
    y = _seasonal(MIN_SEARCH_ROWS - 1)
    m = BPForecaster(**QUICK).fit(y)
    assert m.feedback_delays_ == (1, 2) and m.network_.sizes == [2, 10, 1]
    assert "nothing searched" in m.structure_["summary"]
    assert m.structure_search_["candidates"] == []


# -- the search ---------------------------------------------------------------------------------
def _spy(monkeypatch):
    """Record every candidate fit's series, and every scoring's origins."""
    fits, scores = [], []
    real_fit, real_score = BPForecaster.fit, structure._score

    def fit(self, y, X=None):
        fits.append((np.array(y, dtype=float), None if X is None else np.array(X, dtype=float)))
        return real_fit(self, y, X)

    def score(model, Y, Xa, cut, H, var):
        scores.append((cut, H, model))
        return real_score(model, Y, Xa, cut, H, var)

    monkeypatch.setattr(BPForecaster, "fit", fit)
    monkeypatch.setattr(structure, "_score", score)
    return fits, scores


def test_the_search_never_reads_a_row_after_the_validation_origin(monkeypatch):
    u, y = _plant(150)
    fits, scores = _spy(monkeypatch)
    model = narxnet(**QUICK).fit(y, u)
    search = model.structure_search_
    cut = search["fit_rows"]
    assert 0 < cut < len(y) and search["origins"] == [cut, len(y) - search["horizon"]]
    candidate_fits = fits[1:]  # the outer fit first (it trains the final model after)
    assert len(candidate_fits) == len(search["candidates"]) == len(scores)
    for yy, xx in candidate_fits:  # every candidate saw exactly the rows before the cut
        np.testing.assert_array_equal(yy.reshape(len(yy), -1)[:, 0], y[:cut])
        np.testing.assert_array_equal(xx.reshape(len(xx), -1)[:, 0], u[:cut])
    assert {c for c, _, _ in scores} == {cut}
    # rows from the cut on altered (the future inputs too): the same candidates, the same
    # fitted networks; only the scores, which compare forecasts with those rows, change
    y2, u2 = y.copy(), u.copy()
    y2[cut:] = y2[cut:][::-1] * 3 + 1
    u2[cut:] = -u2[cut:]
    n1 = len(scores)
    other = narxnet(**QUICK).fit(y2, u2).structure_search_

    def shape(s):
        return [
            (c["feedback_delays"], c["input_delays"], c["hidden"], c["difference"])
            for c in s["candidates"]
        ]

    # the suggestions (the first stage, one per feedback-delay candidate at the first
    # width) are the same; later stages follow the scores, so may differ
    first = [c for c in shape(search) if c[2] == structure.WIDTHS[:1]]
    k = (
        next(i for i, c in enumerate(first) if c[1] != first[0][1])
        if any(c[1] != first[0][1] for c in first)
        else len(first)
    )
    assert shape(other)[:k] == shape(search)[:k] and other["fit_rows"] == cut
    # a structure fitted in both runs has bit-identical weights
    a = {shape_of(m): m.network_.params for _, _, m in scores[:n1]}
    b = {shape_of(m): m.network_.params for _, _, m in scores[n1:]}
    assert len(set(a) & set(b)) >= k
    for key in set(a) & set(b):
        np.testing.assert_array_equal(a[key], b[key])
    assert [c["score"] for c in other["candidates"][:k]] != [
        c["score"] for c in search["candidates"][:k]
    ]


def shape_of(m):
    return (m.feedback_delays_, m.input_delays_, tuple(m.network_.sizes[1:-1]), m.difference_)


def test_each_scored_forecast_reads_only_rows_before_its_origin():
    from bpnn.timeseries import rolling_forecasts

    y = _seasonal()
    m = narnet(feedback_delays=(1, 2, 8), hidden=3, **QUICK).fit(y[:80])
    _, fc, _ = rolling_forecasts(m, y, horizon=5, start=80)
    for k, s in enumerate(range(80, len(y) - 5 + 1, 7)):  # change everything from s on
        z = y.copy()
        z[s:] = 100.0
        _, fz, _ = rolling_forecasts(m, z, horizon=5, start=80)
        np.testing.assert_array_equal(fz[: s - 80 + 1], fc[: s - 80 + 1])


def test_the_lowest_score_wins_and_every_candidate_is_kept(tmp_path):
    y = _seasonal()
    m = BPForecaster(**QUICK).fit(y)
    cands = m.structure_search_["candidates"]
    best = min(cands, key=lambda c: c["score"])
    chosen = next(
        c
        for c in cands
        if list(c["feedback_delays"]) == m.structure_["feedback_delays"]
        and list(c["hidden"]) == m.structure_["hidden"]
    )
    # the lowest score wins, unless it is a wider network less than clearly better
    assert chosen is best or (
        best["hidden"][0] > chosen["hidden"][0]
        and best["score"] >= structure.WIDER_MARGIN * chosen["score"]
    )
    assert all(c["fit_s"] >= 0 and np.isfinite(c["score"]) for c in cands)
    assert m.structure_search_["time_s"] >= sum(c["fit_s"] for c in cands) * 0.99
    bpnn.save(m, tmp_path / "m.bpnn")
    back = bpnn.load(tmp_path / "m.bpnn")
    assert back.structure_ == m.structure_
    assert [c["score"] for c in back.structure_search_["candidates"]] == pytest.approx(
        [c["score"] for c in cands]
    )
    np.testing.assert_array_equal(back.predict(6), m.predict(6))


def test_given_parts_of_the_structure_are_kept():
    y = _seasonal()
    m = BPForecaster(feedback_delays=(1, 8), **QUICK).fit(y)
    assert m.feedback_delays_ == (1, 8) and m.structure_["searched"] == ["hidden"]
    assert {tuple(c["feedback_delays"]) for c in m.structure_search_["candidates"]} == {(1, 8)}
    h = BPForecaster(hidden=3, **QUICK).fit(y)
    assert h.network_.sizes[1:-1] == [3]
    assert h.structure_["searched"] == ["difference", "feedback_delays"]


# -- guarded closed-loop fine-tuning ------------------------------------------------------------
def test_without_validation_windows_fine_tuning_holds_out_the_last_training_windows():
    u, y = _plant(150)
    m = narxnet(feedback_delays=(1, 2), input_delays=(1, 2), hidden=3, division=None, **QUICK)
    m.fit(y, u).fine_tune_closed_loop(y, u, horizon=5, epochs=3)
    g, rec = m.closed_loop_guard_, m.closed_loop_record_
    assert g["held_out_from_training"] is True
    n_windows = len(y) - 2 - 5 + 1  # every window of 5 targets after the 2 initial values
    assert g["validation_windows"] == int(np.ceil(0.2 * n_windows)) == len(rec.val_idx)
    assert rec.train_idx.max() + 5 - 1 < rec.val_idx.min()  # no target shared
    assert g["kept"] in ("fine-tuned", "open-loop")


def test_fine_tuning_that_does_not_lower_the_validation_loss_is_undone(monkeypatch):
    from bpnn.trainer import Trainer

    u, y = _plant(150)
    m = narxnet(feedback_delays=(1, 2), input_delays=(1, 2), hidden=3, division=None, **QUICK)
    m.fit(y, u)
    before = m.network_.params.copy()
    real = Trainer.run

    def harmful(self, obj, val, test, rng, rec):  # a fine-tuning run that ruins the weights
        out = real(self, obj, val, test, rng, rec)
        obj.network.params = obj.network.params + 5.0
        return out

    monkeypatch.setattr(Trainer, "run", harmful)
    m.fine_tune_closed_loop(y, u, horizon=5, epochs=2)
    assert m.closed_loop_guard_["kept"] == "open-loop"
    assert m.closed_loop_guard_["fine_tuned_val_loss"] > m.closed_loop_guard_["open_loop_val_loss"]
    np.testing.assert_array_equal(m.network_.params, before)


def test_fine_tuning_that_lowers_the_validation_loss_is_kept():
    u, y = _plant(200)
    m = narxnet(
        feedback_delays=(1, 2), input_delays=(1, 2), hidden=4, preset="matlab", epochs=2,
        random_state=0, warn=False,
    ).fit(y, u)  # fmt: skip
    before = m.network_.params.copy()
    m.fine_tune_closed_loop(y, u, horizon=4, epochs=30)
    g = m.closed_loop_guard_
    assert g["held_out_from_training"] is False  # the block division's validation windows
    assert g["kept"] == "fine-tuned" and g["fine_tuned_val_loss"] < g["open_loop_val_loss"]
    assert not np.array_equal(m.network_.params, before)


def test_fine_tuning_with_too_few_windows_to_hold_out_is_refused():
    y = _seasonal(40)
    m = narnet(feedback_delays=(1, 2), hidden=2, division=None, **QUICK).fit(y)
    with pytest.raises(ValueError, match="too few to hold some out") as err:
        m.fine_tune_closed_loop(y, horizon=30)
    assert "\n" not in str(err.value)


def test_the_guard_is_saved_with_the_model(tmp_path):
    y = _seasonal()
    m = narnet(feedback_delays=(1, 2), hidden=2, closed_loop_horizon=4, **QUICK).fit(y)
    bpnn.save(m, tmp_path / "m.bpnn")
    assert bpnn.load(tmp_path / "m.bpnn").closed_loop_guard_ == m.closed_loop_guard_


def test_the_report_shows_the_chosen_structure_and_every_candidate():
    from bpnn.report import _structure_html, series_from_model

    y = _seasonal()
    m = BPForecaster(**QUICK).fit(y)
    summary = series_from_model(m, y)
    assert summary.structure is m.structure_search_
    html = "\n".join(_structure_html(summary.structure))
    assert "Structure chosen automatically" in html
    assert html.count("<tr>") == 1 + len(m.structure_search_["candidates"])
    for c in m.structure_search_["candidates"]:
        assert c["why"].replace("'", "&#x27;") in html
    matlab = narnet(preset="matlab", **QUICK).fit(y)
    assert _structure_html(series_from_model(matlab, y).structure) == []


def test_a_wider_network_is_tried_only_when_the_best_uses_most_of_its_weights():
    noise = np.random.default_rng(0).standard_normal(150)
    for y in (noise, _seasonal(150)):
        search = BPForecaster(**QUICK).fit(y).structure_search_
        cands = search["candidates"]
        at4 = [c for c in cands if c["hidden"] == (4,)]
        best4 = min(at4, key=lambda c: c["score"])
        n_w = (len(best4["feedback_delays"]) + 1) * 10 + 11
        wide = any(c["hidden"] == (10,) for c in cands)
        want = (
            best4["weights_used"] >= structure.USED_FOR_WIDER
            and n_w <= search["fit_rows"]
            and best4["score"] < structure.SMOOTH_SCORE
        )
        assert wide == want
        assert all(0 <= c["weights_used"] <= 1 + 1e-9 for c in cands)  # br's γ / weights
    # white noise leaves a small network mostly unused: no wider one is fitted
    noise_search = BPForecaster(**QUICK).fit(noise).structure_search_
    assert not any(c["hidden"] == (10,) for c in noise_search["candidates"])


def test_the_henon_map_gets_a_wider_network_that_forecasts_it_better():
    x = np.zeros(300)
    x[0] = x[1] = 0.1
    for t in range(1, 299):
        x[t + 1] = 1 - 1.4 * x[t] ** 2 + 0.3 * x[t - 1]
    m = BPForecaster(epochs=100, random_state=0, warn=False).fit(x[50:])
    cands = m.structure_search_["candidates"]
    four = min((c for c in cands if c["hidden"] == (4,)), key=lambda c: c["score"])
    ten = next(c for c in cands if c["hidden"] == (10,))  # 4 units were nearly all used
    assert four["weights_used"] >= structure.USED_FOR_WIDER and four["score"] < 0.05
    assert ten["score"] < structure.WIDER_MARGIN * four["score"]
    assert m.structure_["hidden"] == [10] and m.feedback_delays_ == (1, 2)


def test_command_line_horizon_and_matlab_preset(tmp_path, capsys):
    import pandas as pd

    pd.DataFrame({"y": _seasonal()}).to_csv(tmp_path / "s.csv", index=False)
    base = ["train", str(tmp_path / "s.csv"), "--target", "y", "--epochs", "15", "-q", "-o"]
    assert main([*base, str(tmp_path / "h.bpnn"), "--horizon", "4"]) == 0
    h = bpnn.load(tmp_path / "h.bpnn")
    assert h.horizon == 4 and h.structure_["horizon"] == 4
    assert main([*base, str(tmp_path / "m.bpnn"), "--preset", "matlab"]) == 0
    m = bpnn.load(tmp_path / "m.bpnn")
    assert m.structure_ is None and m.feedback_delays_ == (1, 2)
    assert m.network_.sizes == [2, 10, 1] and m.algorithm_ == "lm"
    capsys.readouterr()
