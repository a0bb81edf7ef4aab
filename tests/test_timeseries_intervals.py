"""Forecaster ensembles and forecast intervals (bpnn.timeseries.intervals): the members'
closed loops averaged, their seeds and splits, the model file, split-conformal intervals per
horizon step calibrated on held-out times only (with an empirical coverage check), the
ensemble-spread alternative, ``bpnn forecast --interval`` and bad values."""

import contextlib
import copy
import os
import warnings
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

import bpnn
from bpnn.cli import main
from bpnn.timeseries import BPForecaster, rolling_forecasts
from bpnn.timeseries.intervals import calibrate, held_out_positions

# a fixed structure (no search) and a block division: held-out times to calibrate on
SMALL = dict(feedback_delays=(1, 2, 3, 4), hidden=4, algorithm="lm", division="block", warn=False)


def noisy_sine(n, seed, noise=0.25, period=20):
    """sin(2 pi t / period) + N(0, noise^2): a series whose k-step errors have a known floor."""
    t = np.arange(n)
    return np.sin(2 * np.pi * t / period) + noise * np.random.default_rng(seed).standard_normal(n)


@pytest.fixture(scope="module")
def ens():
    y = noisy_sine(300, 0)
    return BPForecaster(n_ensemble=3, random_state=0, **SMALL).fit(y), y


def one_member(model, i):
    """A copy of the ensemble that holds only member i (its own predict)."""
    m = copy.copy(model)
    m.network_, m.networks_ = model.networks_[i], [model.networks_[i]]
    return m


# -- ensembles -----------------------------------------------------------------------------------
def test_ensemble_averages_the_members_own_closed_loop_forecasts(ens):
    model, y = ens
    paths = model.predict_members(15)
    assert paths.shape == (3, 15, 1)
    for i in range(3):  # each member runs its own loop: its own predict, not the mean's inputs
        np.testing.assert_array_equal(paths[i, :, 0], one_member(model, i).predict(15))
    np.testing.assert_allclose(model.predict(15), paths[:, :, 0].mean(axis=0), rtol=0, atol=1e-12)
    # averaging trajectories differs from feeding the averaged output back (the members
    # disagree, and the loop is nonlinear), so the test above can tell them apart
    assert np.ptp(paths[:, -1, 0]) > 1e-3
    one = np.mean([one_member(model, i).predict_open_loop(y) for i in range(3)], axis=0)
    np.testing.assert_allclose(model.predict_open_loop(y), one, rtol=0, atol=1e-12, equal_nan=True)


def test_members_have_distinct_seeds_and_member_0_is_the_single_network(ens):
    model, y = ens
    params = [n.params for n in model.networks_]
    assert not np.array_equal(params[0], params[1]) and not np.array_equal(params[1], params[2])
    assert len(set(model.split_seeds_)) == 3 and model.split_seed_ == model.split_seeds_[0]
    single = BPForecaster(random_state=0, **SMALL).fit(y)
    np.testing.assert_array_equal(single.network_.params, model.network_.params)
    assert model.network_ is model.networks_[0] and model.record_ is model.records_[0]


def test_random_division_gives_each_member_its_own_split():
    m = BPForecaster(n_ensemble=2, random_state=1, **dict(SMALL, division="random"))
    m.fit(noisy_sine(200, 1))
    a, b = (set(r.train_idx.tolist()) for r in m.records_)
    assert a != b


def test_save_and_load_forecast_identically(ens, tmp_path):
    model, y = ens
    path = bpnn.save(model, tmp_path / "ens.bpnn")
    back = bpnn.load(path)
    assert len(back.networks_) == 3 and back.split_seeds_ == model.split_seeds_
    np.testing.assert_array_equal(back.predict(12), model.predict(12))
    np.testing.assert_array_equal(back.predict_members(12), model.predict_members(12))
    for a, b in zip(back.predict_interval(12), model.predict_interval(12)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(back.interval_scores_, model.interval_scores_)
    np.testing.assert_array_equal(back.interval_origins_, model.interval_origins_)


def test_fine_tuning_tunes_every_member_and_recalibrates():
    y = noisy_sine(240, 2)
    m = BPForecaster(n_ensemble=2, random_state=0, **SMALL).fit(y)
    before = [n.params.copy() for n in m.networks_]
    scores = m.interval_scores_.copy()
    m.fine_tune_closed_loop(y, horizon=4, epochs=3)
    assert len(m.closed_loop_records_) == 2 and m.closed_loop_record_ is m.closed_loop_records_[0]
    for net, old in zip(m.networks_, before):
        assert not np.array_equal(net.params, old)
    assert not np.array_equal(m.interval_scores_, scores)  # the tuned networks' residuals


def test_narx_time_delay_and_two_targets_get_intervals_per_series():
    rng = np.random.default_rng(7)
    u = rng.uniform(-1, 1, 400)
    y = np.zeros(400)
    for t in range(399):  # the Narendra-Parthasarathy plant
        y[t + 1] = y[t] / (1 + y[t] ** 2) + u[t] ** 3
    for make in (bpnn.narxnet, bpnn.timedelaynet):
        m = make(hidden=3, n_ensemble=2, random_state=0, warn=False).fit(y[:300], u[:300])
        assert m.interval_scores_ is not None
        mid = m.predict(6, X=u[300:306])
        lo, hi = m.predict_interval(6, X=u[300:306])
        assert lo.shape == hi.shape == (6,) and np.all(lo <= mid) and np.all(mid <= hi)
    two = np.column_stack([noisy_sine(300, 8), noisy_sine(300, 9, period=13)])
    m = BPForecaster(random_state=0, **SMALL).fit(two)
    assert m.interval_scores_.shape[2] == 2
    lo, hi = m.predict_interval(4)
    S = m.interval_scores_
    k = int(np.ceil((S.shape[0] + 1) * 0.9))
    np.testing.assert_allclose(hi - lo, 2 * S[k - 1, :4], rtol=0, atol=1e-12)  # one per series


def test_a_model_file_with_mismatched_interval_scores_is_refused(ens, tmp_path):
    import json
    import zipfile

    path = bpnn.save(ens[0], tmp_path / "ens.bpnn")
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    man = json.loads(members["manifest.json"])
    man["forecaster"]["interval_origins"] = man["forecaster"]["interval_origins"][1:]
    members["manifest.json"] = json.dumps(man).encode()
    with zipfile.ZipFile(tmp_path / "bad.bpnn", "w") as z:
        for n, b in members.items():
            z.writestr(n, b)
    with pytest.raises(bpnn.io.ModelFileError, match="intervals/scores"):
        bpnn.load(tmp_path / "bad.bpnn")


@pytest.mark.parametrize("bad", [0, -1, 1.5, "3", True])
def test_bad_n_ensemble_refused(bad):
    with pytest.raises(ValueError, match="n_ensemble"):
        BPForecaster(n_ensemble=bad, **SMALL).fit(noisy_sine(60, 0))


# -- calibration: held-out times only ------------------------------------------------------------
def test_block_calibration_origins_come_after_every_training_time(ens):
    model, _ = ens
    first = int(model.record_.train_idx.max()) + 1
    H = model.interval_scores_.shape[1]
    assert model.interval_origins_.min() >= first
    assert model.interval_origins_.max() + H <= model.n_series_
    # every held-out window of H steps is an origin (none skipped, none added)
    assert len(model.interval_origins_) == model.n_series_ - first - H + 1


def test_random_division_calibrates_on_times_held_out_of_every_member():
    m = BPForecaster(n_ensemble=2, random_state=3, **dict(SMALL, division="random"))
    m.fit(noisy_sine(400, 3))
    trained = set().union(*(set(r.train_idx.tolist()) for r in m.records_))
    H = m.interval_scores_.shape[1]
    windows = {s + h for s in m.interval_origins_.tolist() for h in range(H)}
    assert windows and not windows & trained
    own = set(m.records_[0].val_idx.tolist()) | set(m.records_[0].test_idx.tolist())
    assert set(held_out_positions(m).tolist()) < own  # smaller than one member's held-out


def test_calibration_ignores_the_training_targets_and_reads_the_held_out_ones(ens):
    model, y = ens
    Y = y.reshape(-1, 1)
    D, first = model.max_delay_, int(model.interval_origins_.min())
    m = copy.copy(model)
    # the training targets before the first origin's history: never read by calibration
    changed = Y.copy()
    changed[: first - D] += 100.0
    calibrate(m, changed, None)
    np.testing.assert_array_equal(m.interval_scores_, model.interval_scores_)
    # a held-out target is scored: changing it changes the residuals
    changed = Y.copy()
    changed[first + 3] += 100.0
    calibrate(m, changed, None)
    assert m.interval_scores_.max() > model.interval_scores_.max() + 50


def test_scores_are_the_rolling_origin_residuals_per_step(ens):
    model, y = ens
    H = model.interval_scores_.shape[1]
    origins, fc, truth = rolling_forecasts(
        model, y, horizon=H, start=int(model.interval_origins_[0])
    )
    np.testing.assert_array_equal(origins, model.interval_origins_)
    np.testing.assert_allclose(
        model.interval_scores_, np.sort(np.abs(truth - fc), axis=0), rtol=0, atol=1e-12
    )


def test_conformal_halfwidth_is_the_ceil_n_plus_1_c_th_residual_of_each_step(ens):
    model, _ = ens
    S = model.interval_scores_
    n, c = S.shape[0], 0.8
    k = int(np.ceil((n + 1) * c))
    lo, hi = model.predict_interval(6, coverage=c, method="conformal")
    mid = model.predict(6)
    np.testing.assert_allclose(hi - mid, S[k - 1, :6, 0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(mid - lo, S[k - 1, :6, 0], rtol=0, atol=1e-12)


def test_empirical_coverage_is_near_nominal_on_held_out_origins():
    """Five noisy sines (fixed seeds): fit on 800 points, calibrate on their held-out 30 %,
    then forecast 5 steps from each of the next 300 origins (times the model never saw):
    7500 (origin, step) pairs per method. Measured: 0.909 pooled; the tolerance 0.03 is
    about 3 standard errors of the pooled coverage with five calibration sets."""
    N, M, H = 800, 300, 5
    hits = []
    for seed in range(5):
        y = noisy_sine(N + M + H, seed)
        m = BPForecaster(interval_horizon=H, random_state=0, **SMALL).fit(y[:N])
        assert len(m.interval_origins_) > 200
        for s in range(N, N + M):
            lo, hi = m.predict_interval(H, last_window=y[:s], coverage=0.9)
            hits.append((lo <= y[s : s + H]) & (y[s : s + H] <= hi))
    hits = np.asarray(hits)
    assert abs(hits.mean() - 0.9) <= 0.03, hits.mean()
    assert np.all(np.abs(hits.mean(axis=0) - 0.9) <= 0.05), hits.mean(axis=0)


# -- the spread and the fallbacks ----------------------------------------------------------------
def test_spread_interval_is_mean_plus_minus_z_sd_of_the_members(ens):
    model, _ = ens
    lo, hi = model.predict_interval(8, coverage=0.8, method="spread")
    paths = model.predict_members(8)[:, :, 0]
    z = NormalDist().inv_cdf(0.9)
    hw = z * paths.std(axis=0, ddof=1)
    np.testing.assert_allclose(lo, paths.mean(0) - hw, rtol=0, atol=1e-12)
    np.testing.assert_allclose(hi, paths.mean(0) + hw, rtol=0, atol=1e-12)


def test_auto_falls_back_to_the_spread_with_a_warning_and_a_single_net_refuses():
    y = noisy_sine(150, 4)
    ens = BPForecaster(n_ensemble=2, epochs=20, random_state=0, **dict(SMALL, division=None)).fit(y)
    assert ens.interval_scores_ is None  # division=None trains on every time
    with pytest.warns(UserWarning, match="spread"):
        lo, hi = ens.predict_interval(5)
    assert np.all(lo <= hi)
    one = BPForecaster(epochs=20, random_state=0, **dict(SMALL, division=None)).fit(y)
    with pytest.raises(ValueError, match="held-out"):
        one.predict_interval(5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="calibrated for up to"):
            BPForecaster(interval_horizon=3, random_state=0, **SMALL).fit(y).predict_interval(
                4, method="conformal"
            )


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.1, "x", None, float("nan"), True])
def test_bad_coverage_refused_in_the_api(ens, bad):
    model, _ = ens
    with pytest.raises(ValueError, match="coverage"):
        model.predict_interval(5, coverage=bad)


def test_bad_method_refused(ens):
    with pytest.raises(ValueError, match="method"):
        ens[0].predict_interval(5, method="gauss")


def test_report_band_spans_the_calibrated_steps(ens):
    from bpnn.report import series_from_model

    model, y = ens
    s = series_from_model(model, y)
    lo, hi, label, text = s.band
    k = min(len(s.forecast), model.interval_scores_.shape[1])
    assert lo.shape == hi.shape == (k, 1) and np.all(lo < hi)
    assert "conformal" in label and "not a test of its coverage" in text


def test_report_data_holds_each_members_one_step_predictions(ens):
    from bpnn.report import data_from_forecaster

    model, y = ens
    data = data_from_forecaster(model, y)
    assert len(data.members) == 3
    for i, pred in enumerate(data.members):
        own = one_member(model, i).predict_open_loop(y)[model.max_delay_ :]
        np.testing.assert_allclose(pred[:, 0], own, rtol=0, atol=1e-12)
    np.testing.assert_allclose(np.mean(data.members, axis=0), data.y_pred, rtol=0, atol=1e-12)


# -- the command line ----------------------------------------------------------------------------
def run(argv, capsys):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def series_model(tmp_path_factory):
    d = tmp_path_factory.mktemp("tsint")
    pd.DataFrame({"t": np.arange(300), "y": noisy_sine(300, 5)}).to_csv(d / "s.csv", index=False)
    argv = ["train", d / "s.csv", "--target", "y", "--time-column", "t", "--feedback-delays"]
    argv += ["1:4", "--hidden", "4", "--n-ensemble", "2", "-q", "-o", d / "m.bpnn"]
    argv += ["--division", "block", "--algorithm", "lm"]  # held-out times to calibrate on
    assert main([str(a) for a in argv]) == 0
    return d / "m.bpnn"


def test_cli_interval_writes_lower_forecast_upper(series_model, tmp_path, capsys):
    out = tmp_path / "f.csv"
    code, _, err = run(
        ["forecast", series_model, "--steps", "8", "--interval", "0.9", "-o", out], capsys
    )
    assert code == 0, err
    f = pd.read_csv(out)
    assert list(f.columns) == ["t", "y", "lower", "upper"]
    assert f["t"].tolist() == list(range(300, 308))
    assert np.all(f["lower"] <= f["y"]) and np.all(f["y"] <= f["upper"])
    model = bpnn.load(series_model)
    assert len(model.networks_) == 2
    lo, hi = model.predict_interval(8, coverage=0.9)
    np.testing.assert_allclose(f["lower"], lo)
    np.testing.assert_allclose(f["upper"], hi)


def test_cli_interval_beyond_the_calibrated_steps_says_it_uses_the_spread(series_model, capsys):
    H = bpnn.load(series_model).interval_scores_.shape[1]
    code, out, err = run(["forecast", series_model, "--steps", H + 1, "--interval", "0.9"], capsys)
    assert code == 0, err
    assert "calibrated for up to" in err and "spread" in err and "Traceback" not in err
    assert len(out.strip().splitlines()) == H + 2


@pytest.mark.parametrize("bad", ["0", "1", "1.5", "x", "nan"])
def test_cli_bad_interval_one_line_and_nothing_written(series_model, tmp_path, capsys, bad):
    out = tmp_path / "f.csv"
    code, _, err = run(
        ["forecast", series_model, "--steps", "5", "--interval", bad, "-o", out], capsys
    )
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "--interval" in lines[0] and "Traceback" not in err
    assert not out.exists()


def test_cli_train_says_what_calibrates_the_intervals(tmp_path, capsys):
    pd.DataFrame({"y": noisy_sine(200, 6)}).to_csv(tmp_path / "s.csv", index=False)
    argv = ["train", tmp_path / "s.csv", "--target", "y", "--feedback-delays", "1:4"]
    argv += ["--division", "block", "--algorithm", "lm"]  # held-out times to calibrate on
    code, out, err = run(
        [*argv, "--hidden", "3", "--n-ensemble", "2", "--interval-horizon", "6"], capsys
    )
    assert code == 0, err
    assert "ensemble of 2 networks" in out and "steps 1..6" in out


# -- the app's Time series page ------------------------------------------------------------------
@pytest.fixture(scope="module")
def server():
    pytest.importorskip("starlette")
    pytest.importorskip("uvicorn")
    from bpnn.app.server import AppServer

    srv = AppServer().start()
    yield srv
    srv.stop()


def _api(srv, path, obj):
    import json
    import urllib.error
    import urllib.request

    req = urllib.request.Request(
        f"http://127.0.0.1:{srv.port}{path}",
        data=json.dumps(obj).encode(),
        headers={"Content-Type": "application/json", "X-BPNN-Token": srv.token},
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def _get(srv, path):
    import json
    import urllib.request

    req = urllib.request.Request(
        f"http://127.0.0.1:{srv.port}{path}", headers={"X-BPNN-Token": srv.token}
    )
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def test_app_refuses_bad_interval_and_ensemble_values(server):
    t = _api(server, "/api/data/builtin", {"name": "sunspots"})[1]
    settings = {"table": t["id"], "target": ["sunspots"], "epochs": 5, "steps": 10}
    for bad in (1, 1.5, "x", -0.2):
        st, body = _api(server, "/api/timeseries", {**settings, "interval": bad})
        assert st == 400 and "interval" in body["error"], body
    for bad in (0, 2.5, 21):
        st, body = _api(server, "/api/timeseries", {**settings, "n_ensemble": bad})
        assert st == 400 and "n_ensemble" in body["error"], body


@contextlib.contextmanager
def _sunspots_page(server):
    """Headless Debian chromium on the app's Time series tab with the shipped sunspots
    loaded: ``(page, errors)``, errors the page's uncaught JavaScript errors."""
    import shutil

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(chromium):
        pytest.skip("chromium is not installed (.ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(server.url)
            page.wait_for_selector("body[data-ready='1']")
            page.click("button[data-tab=timeseries]")
            page.select_option("#ts-builtin", "sunspots")
            page.click("#ts-builtin-load")
            page.wait_for_selector("#ts-columns select.ts-role")
            yield page, errors
        finally:
            browser.close()


def test_browser_time_series_plot_draws_the_band(server, tmp_path):
    with _sunspots_page(server) as (page, errors):
        page.fill("#ts-fb", "1:9")
        page.fill("#ts-hidden", "3")
        page.fill("#ts-epochs", "20")
        page.fill("#ts-steps", "40")
        page.fill("#ts-ensemble", "3")
        page.fill("#ts-interval", "0.8")
        page.click("#ts-train-btn")
        page.wait_for_selector("#ts-results:not([hidden])", timeout=60_000)
        band = int(page.get_attribute("#ts-chart", "data-band"))
        assert 1 <= band <= 40
        assert "forecast interval for steps 1.." in page.inner_text("#ts-note")
        assert "--n-ensemble 3" in page.inner_text("#ts-command")
        assert "--interval 0.8" in page.inner_text("#ts-command")
        shot = __import__("os").environ.get("BPNN_TSINT_SHOT") or str(tmp_path / "band.png")
        page.locator("#ts-chart").screenshot(path=shot)
        href = page.get_attribute("#ts-downloads a[data-kind=model]", "href")
    assert not errors, errors
    res = _get(server, href.rsplit("/download/", 1)[0])  # the run the page drew
    s = res["series"]
    assert len(s["lower"]) == band and len(s["forecast"]) == 40
    assert all(lo <= f <= hi for lo, f, hi in zip(s["lower"], s["forecast"], s["upper"]))
    assert "n_ensemble=3" in res["script"] and "predict_interval" in res["script"]


def test_browser_default_forecaster_band_comes_from_the_structure_search(server, tmp_path):
    """The page's defaults (structure 'auto', the final network on every time): the band
    is calibrated on the search's validation block, and the note says so."""
    with _sunspots_page(server) as (page, errors):
        page.fill("#ts-steps", "20")
        page.fill("#ts-interval", "0.9")
        page.click("#ts-train-btn")
        page.wait_for_selector("#ts-results:not([hidden])", timeout=60_000)
        band = int(page.get_attribute("#ts-chart", "data-band"))
        note = page.inner_text("#ts-note")
        shot = __import__("os").environ.get("BPNN_TSDEF_SHOT") or str(tmp_path / "band.png")
        page.locator("#ts-chart").screenshot(path=shot)
    assert not errors, errors
    assert band >= 1 and "structure search's validation block" in note, note


def test_cli_interval_without_held_out_times_is_one_line(tmp_path, capsys):
    pd.DataFrame({"y": noisy_sine(120, 10)}).to_csv(tmp_path / "s.csv", index=False)
    argv = ["train", tmp_path / "s.csv", "--target", "y", "--feedback-delays", "1:4"]
    argv += ["--division", "block", "--algorithm", "lm"]  # held-out times to calibrate on
    argv += [
        "--hidden",
        "3",
        "--epochs",
        "10",
        "--division",
        "none",
        "-q",
        "-o",
        tmp_path / "m.bpnn",
    ]
    assert run(argv, capsys)[0] == 0
    out = tmp_path / "f.csv"
    code, _, err = run(
        ["forecast", tmp_path / "m.bpnn", "--steps", 3, "--interval", 0.9, "-o", out], capsys
    )
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and "held-out" in lines[0] and "Traceback" not in err
    assert not out.exists()


def test_cli_checkpoint_with_an_ensemble_is_refused(tmp_path, capsys):
    pd.DataFrame({"y": noisy_sine(120, 11)}).to_csv(tmp_path / "s.csv", index=False)
    argv = ["train", tmp_path / "s.csv", "--target", "y", "--feedback-delays", "1:4"]
    argv += ["--division", "block", "--algorithm", "lm"]  # held-out times to calibrate on
    argv += ["--n-ensemble", "2", "--checkpoint", tmp_path / "c.ckpt", "-o", tmp_path / "m.bpnn"]
    code, _, err = run(argv, capsys)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and "--n-ensemble 1" in lines[0]
    assert not (tmp_path / "m.bpnn").exists() and not (tmp_path / "c.ckpt").exists()


def test_default_forecaster_calibrates_on_the_structure_search_validation_block(tmp_path):
    """The default preset trains its final network on every time (no held-out origins);
    its intervals come from the searched candidate, fitted on the rows before the search's
    validation block, at origins in that block only."""
    y = noisy_sine(200, 7)
    m = BPForecaster(random_state=0, warn=False).fit(y)
    assert m._division is None  # the default: every row trains
    cut = m.structure_search_["fit_rows"]
    assert m.interval_scores_ is not None and m.interval_origins_[0] == cut
    assert np.all(m.interval_origins_ >= cut) and "_search_model" not in m.__dict__
    H = m.interval_scores_.shape[1]
    assert m.interval_origins_[-1] == len(y) - H
    lo, hi = m.predict_interval(H, coverage=0.9)
    p = m.predict(H)
    assert np.all(lo <= p) and np.all(p <= hi) and np.all(hi - lo > 0)
    bpnn.save(m, tmp_path / "m.bpnn")
    lo2, hi2 = bpnn.load(tmp_path / "m.bpnn").predict_interval(H, coverage=0.9)
    np.testing.assert_array_equal(lo2, lo)
    np.testing.assert_array_equal(hi2, hi)
    # what the CLI, the app and the report say calibrated the band
    from bpnn.report import forecast_band
    from bpnn.timeseries.intervals import calibration_origins

    where = "rolling origins of the structure search's validation block"
    assert calibration_origins(m) == where
    text = forecast_band(m, y.reshape(-1, 1), None, len(y) - 30, 10)[3]
    assert (
        f"split conformal on the closed-loop residuals of {len(m.interval_origins_)} {where}"
        in text
    )
    block = BPForecaster(feedback_delays=(1, 2), hidden=3, division="block", epochs=20)
    block.set_params(random_state=0, warn=False).fit(y)
    assert calibration_origins(block) == "held-out rolling origins"
    # no time was held out of the final network: the report's plots say they run on
    # trained-on times, not on "held-out truth"
    from bpnn import plots
    from bpnn.report import series_from_model

    summary = series_from_model(m, y)
    assert summary.held_out is False
    fig = plots.plot_closed_loop_forecast(
        np.arange(len(y)), y, summary.origin, summary.forecast[:, 0], held_out=False
    )
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert "truth (trained on)" in labels and "held-out truth" not in labels
