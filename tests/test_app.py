"""``bpnn app``: the server's guards over HTTP, and the pages driven in a real Chromium.

Skipped without the app extra (starlette, uvicorn); the browser tests also need the
playwright package and Debian's chromium (``.ci/run`` installs both; no browser download).
Set BPNN_APP_SCREENSHOTS=docs/img to write the pages' screenshots while they run.
"""

import http.client
import json
import os
import shlex
import shutil
import urllib.request
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

import bpnn  # noqa: E402
from bpnn.app.server import AppServer  # noqa: E402
from bpnn.cli import build_parser, main  # noqa: E402

MAX_UPLOAD = 200_000
CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
)
SHOTS = os.environ.get("BPNN_APP_SCREENSHOTS")


@pytest.fixture(scope="module")
def server():
    srv = AppServer(max_upload=MAX_UPLOAD).start()
    yield srv
    srv.stop()


def _call(srv, path, data=None, headers=None, token=True, method=None, ctype="application/json"):
    h = {"Content-Type": ctype, **({"X-BPNN-Token": srv.token} if token else {}), **(headers or {})}
    req = urllib.request.Request(
        f"http://127.0.0.1:{srv.port}{path}", data=data, headers=h, method=method
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def _json(srv, path, obj=None, **kw):
    st, body = _call(srv, path, None if obj is None else json.dumps(obj).encode(), **kw)
    return st, json.loads(body)


def _raw(srv, method, path, headers=None, body=None, **kw):
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
    conn.request(method, path, body=body, headers=headers or {}, **kw)
    r = conn.getresponse()
    out = r.status, r.read()
    conn.close()
    return out


def _wait(srv, job):
    """Read a job's event stream to its end; returns the events as (kind, data)."""
    st, body = _call(srv, f"/api/jobs/{job}/events")
    assert st == 200
    events = []
    for block in body.decode().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in lines:
            events.append((lines["event"], json.loads(lines["data"])))
    return events


def _upload(srv, name, data):
    return json.loads(_call(srv, f"/api/data/upload?name={name}", data, ctype="text/csv")[1])


def _regression_csv(path, n=240, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 3))
    df = pd.DataFrame(
        {
            "a": X[:, 0],
            "b": X[:, 1],
            "y": np.sin(2 * X[:, 0]) + X[:, 1] ** 2 + 0.05 * rng.normal(size=n),
            "c": X[:, 2],
        }
    )
    df.to_csv(path, index=False)
    return df


# -- the server -------------------------------------------------------------------------------
def test_binds_loopback_by_default():
    args = build_parser().parse_args(["app"])
    assert args.host == "127.0.0.1" and not args.no_browser
    srv = AppServer(port=0)
    try:
        assert srv.socket.getsockname()[0] == "127.0.0.1"
        assert srv.url.startswith(f"http://127.0.0.1:{srv.port}/?token=")
    finally:
        srv.socket.close()
        srv.app.state.tmp.cleanup()


def test_the_command_serves_until_interrupted(tmp_path):
    import signal
    import subprocess
    import sys

    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(
            [str(Path(bpnn.__file__).resolve().parents[1]), os.environ.get("PYTHONPATH", "")]
        ),
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "bpnn", "app", "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("bpnn app: serving on http://127.0.0.1:"), line
        url = line.split("serving on ", 1)[1].strip()
        with urllib.request.urlopen(url, timeout=30) as r:
            assert r.status == 200 and b"bpnn-token" in r.read()
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode in (0, 130), err
    assert "Traceback" not in err


def test_without_the_extra_says_what_to_install(monkeypatch, capsys):
    import bpnn.app

    monkeypatch.setattr(bpnn.app, "missing_requirements", lambda: ["starlette", "uvicorn"])
    assert main(["app", "--no-browser"]) == 2
    err = capsys.readouterr().err.strip()
    assert 'pip install "bpnn[app]"' in err and "starlette" in err and len(err.splitlines()) == 1


def test_token_is_required(server):
    assert _call(server, "/api/meta", token=False)[0] == 403
    assert _call(server, "/api/meta", token=False, headers={"X-BPNN-Token": "guess"})[0] == 403
    assert _call(server, "/api/meta")[0] == 200
    st, body = _raw(server, "GET", "/")
    assert st == 403 and server.token.encode() not in body
    st, body = _raw(server, "GET", f"/?token={server.token}")
    assert st == 200 and b'name="bpnn-token"' in body
    # the cookie set by the start page lets GET requests (event streams, downloads) in
    cookie = f"{server.app.state.cookie}={server.token}"
    assert _raw(server, "GET", "/api/meta", {"Cookie": cookie})[0] == 200
    assert _raw(server, "POST", "/api/data/builtin", {"Cookie": cookie}, b"{}")[0] == 403


def test_refuses_cross_site_requests(server):
    evil = {"Origin": "http://evil.example"}
    st, body = _json(server, "/api/data/builtin", {"name": "xor"}, headers=evil)
    assert st == 403 and "cross-site" in body["error"]
    st, body = _json(server, "/api/meta", headers={"Sec-Fetch-Site": "cross-site"})
    assert st == 403 and "cross-site" in body["error"]
    # a foreign Host name (DNS rebinding) is refused before any route
    assert (
        _raw(server, "GET", "/api/meta", {"Host": "evil.example", "X-BPNN-Token": server.token})[0]
        == 400
    )
    own = {"Origin": f"http://127.0.0.1:{server.port}", "Sec-Fetch-Site": "same-origin"}
    assert _json(server, "/api/data/builtin", {"name": "xor"}, headers=own)[0] == 200


def test_refuses_oversized_upload(server):
    big = b"a,b\n" + b"1,2\n" * (MAX_UPLOAD // 4 + 10)
    st, body = _call(server, "/api/data/upload?name=big.csv", big, ctype="text/csv")
    assert st == 413 and "upload limit" in json.loads(body)["error"]
    # without a Content-Length (chunked), the reading stops at the limit
    chunks = (b"1,2\n" * 5000 for _ in range(20))
    st, body = _raw(
        server,
        "POST",
        "/api/data/upload?name=big.csv",
        {"X-BPNN-Token": server.token, "Transfer-Encoding": "chunked"},
        chunks,
        encode_chunked=True,
    )
    assert st == 413 and "upload limit" in json.loads(body)["error"]
    assert _call(server, "/api/meta")[0] == 200  # still serving


@pytest.mark.parametrize(
    "path",
    [
        "/static/../server.py",
        "/static/%2e%2e/server.py",
        "/static/..%2fserver.py",
        "/static/%2e%2e%2f%2e%2e%2fio.py",
        "/static//etc/passwd",
        "/static/..\\server.py",
        "/../../etc/passwd",
        "/static/%252e%252e/server.py",
        "/templates/index.html",
        "/static/../templates/index.html",
    ],
)
def test_never_serves_a_path_outside_its_own(server, path):
    st, body = _raw(server, "GET", path, {"X-BPNN-Token": server.token})
    assert st in (400, 403, 404), (path, st)
    assert b"import" not in body and b"root:" not in body and b"{{TOKEN}}" not in body


def test_serves_its_own_assets(server):
    st, body = _raw(server, "GET", "/static/app.js")
    assert st == 200 and b"EventSource" in body
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("GET", f"/?token={server.token}")
    r = conn.getresponse()
    csp = r.getheader("Content-Security-Policy")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert (
        r.getheader("X-Frame-Options") == "DENY" and r.getheader("Referrer-Policy") == "no-referrer"
    )
    conn.close()
    page = _raw(server, "GET", f"/?token={server.token}")[1].decode()
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page


# -- training, downloads, the equivalent code -------------------------------------------------
def test_cascade_correlation_grows_from_the_page_and_its_command_line(server, tmp_path):
    csv = tmp_path / "data.csv"
    df = _regression_csv(csv, n=120)
    t = _upload(server, "data.csv", csv.read_bytes())
    settings = {"table": t["id"], "target": ["y"], "hidden": "4", "algorithm": "cascade"}
    st, body = _json(server, "/api/train", {**settings, "epochs": 150, "seed": 1})
    assert st == 200, body
    events = _wait(server, body["job"])
    run_id = next(d["run"] for k, d in events if k == "done")
    st, run = _json(server, f"/api/runs/{run_id}")
    assert "--hidden" not in run["command"]  # the hidden field does not apply: it grows them
    st, data = _call(server, f"/api/runs/{run_id}/download/model")
    (tmp_path / "app.bpnn").write_bytes(data)
    app_model = bpnn.load(tmp_path / "app.bpnn")
    assert app_model.network_.connections == "cascade" and set(app_model.hidden_) == {1}
    argv = run["command"].split()[1:]
    argv[1] = str(csv)
    argv[argv.index("-o") + 1] = str(tmp_path / "cli.bpnn")
    argv[argv.index("--report") + 1] = str(tmp_path / "cli.html")
    assert main(argv + ["-q"]) == 0
    X = df[["a", "b", "c"]]
    np.testing.assert_allclose(
        bpnn.load(tmp_path / "cli.bpnn").predict(X), app_model.predict(X), rtol=1e-10, atol=1e-12
    )


def test_train_streams_epochs_and_the_command_line_trains_the_same_model(
    server, tmp_path, monkeypatch, capsys
):
    csv = tmp_path / "data.csv"
    df = _regression_csv(csv)
    t = _upload(server, "data.csv", csv.read_bytes())
    assert t["rows"] == len(df) and t["task"] == "regression" and t["target"] == ["c"]
    st, body = _json(
        server,
        "/api/train",
        {
            "table": t["id"],
            "target": ["y"],
            "features": ["a", "b", "c"],
            "hidden": "4",
            "algorithm": "lm",
            "epochs": 15,
            "max_fail": 50,
            "seed": 3,
        },
    )
    assert st == 200, body
    events = _wait(server, body["job"])
    epochs = [p["epoch"] for k, d in events if k == "epochs" for p in d]
    assert epochs == list(range(1, 16))
    run_id = next(d["run"] for k, d in events if k == "done")
    st, run = _json(server, f"/api/runs/{run_id}")
    assert run["epochs"] == 15 and run["stop_reason"] == "max epochs"
    assert {"train", "validation", "test", "all"} <= set(run["metrics"])
    assert {p["name"] for p in run["plots"]} >= {"performance", "regression", "network"}
    model_file = tmp_path / "app.bpnn"
    st, data = _call(server, f"/api/runs/{run_id}/download/model")
    model_file.write_bytes(data)
    app_model = bpnn.load(model_file)
    X = df[["a", "b", "c"]]
    np.testing.assert_allclose(
        app_model.predict(X[:20]).ravel(),
        np.array(run["predictions"]["values"]).ravel(),
        rtol=1e-12,
    )
    # the command line shown on the page trains the same model
    argv = run["command"].split()[1:]
    argv[1] = str(csv)
    argv[argv.index("-o") + 1] = str(tmp_path / "cli.bpnn")
    argv[argv.index("--report") + 1] = str(tmp_path / "cli.html")
    assert main(argv + ["-q"]) == 0
    cli = bpnn.load(tmp_path / "cli.bpnn")
    np.testing.assert_allclose(cli.predict(X), app_model.predict(X), rtol=1e-10, atol=1e-12)
    # and so does the Python script
    script = run["script"]
    assert "BPRegressor" in script
    monkeypatch.chdir(tmp_path)  # the script reads data.csv and writes model.bpnn here
    with pytest.warns(ConvergenceWarning):  # 15 epochs: the script passes the warning on
        exec(compile(script, "train_model.py", "exec"), {"__name__": "__main__"})  # noqa: S102
    np.testing.assert_allclose(
        bpnn.load(tmp_path / "model.bpnn").predict(X), app_model.predict(X), rtol=1e-10, atol=1e-12
    )
    for kind, head in (
        ("predictions", b"row,split,y,prediction"),
        ("report", b"<!DOCTYPE html>"),
        ("python", b'"""'),
        ("c", b"PK"),
        ("command", b"#!/bin/sh"),
    ):
        st, data = _call(server, f"/api/runs/{run_id}/download/{kind}")
        assert st == 200 and data.startswith(head), kind


def test_pattern_recognition_with_levenberg_marquardt_uses_mse(server):
    t = _json(server, "/api/data/builtin", {"name": "iris"})[1]
    assert t["task"] == "classification"
    st, body = _json(
        server,
        "/api/train",
        {"table": t["id"], "target": t["target"], "algorithm": "trainlm", "epochs": 5},
    )
    assert st == 200, body
    run = next(d["run"] for k, d in _wait(server, body["job"]) if k == "done")
    res = _json(server, f"/api/runs/{run}")[1]
    assert res["algorithm"] in ("lm", "trainlm") and "--loss mse" in res["command"]
    assert {"confusion", "roc"} <= {p["name"] for p in res["plots"]}
    assert res["predictions"]["columns"][-3:] == ["p_setosa", "p_versicolor", "p_virginica"]


def test_bad_inputs_over_http(server, tmp_path):
    st, body = _json(server, "/api/data/upload?name=photo.png", None, method="POST")
    assert st == 400 and "not a table file" in body["error"]
    st, body = _call(server, "/api/data/upload?name=x.csv", bytes(range(256)) * 40)
    assert st == 400 and "x.csv" in json.loads(body)["error"]
    # a CSV file renamed .xlsx: one line in the app's words, the upload's own name in it
    st, body = _call(server, "/api/data/upload?name=sales.xlsx", b"a,b\n1,2\n")
    assert st == 400
    assert json.loads(body)["error"] == (
        "'sales.xlsx' is not an Excel workbook (it holds text: a CSV file renamed? name it .csv)"
    )
    csv = tmp_path / "m.csv"
    csv.write_text("a,b,y\n1,2,3\n4,,6\n7,8,9\n1,1,1\n")
    t = _upload(server, "m.csv", csv.read_bytes())
    st, body = _json(
        server, "/api/train", {"table": t["id"], "target": ["y"], "epochs": 3, "missing": "error"}
    )
    assert st == 400 and "'b'" in body["error"] and "missing" in body["error"]
    csv.write_text("a,y\n1,low\n2,high\n3,low\n4,high\n")
    t = _upload(server, "m.csv", csv.read_bytes())
    st, body = _json(
        server, "/api/train", {"table": t["id"], "target": ["y"], "task": "regression"}
    )
    assert st == 400 and "not numeric" in body["error"] and "'low'" in body["error"]
    st, body = _call(server, "/api/predict/model?name=bad.bpnn", b"PK\x03\x04 not a model")
    assert st == 400 and "cannot load 'bad.bpnn'" in json.loads(body)["error"]
    st, body = _json(server, "/api/train", {"table": t["id"], "target": ["y"], "hidden": "x"})
    assert st == 400 and "hidden" in body["error"]


def test_two_trainings_at_once_are_refused(server):
    t = _json(server, "/api/data/builtin", {"name": "sine"})[1]
    st, first = _json(
        server,
        "/api/train",
        {
            "table": t["id"],
            "target": t["target"],
            "algorithm": "gd",
            "epochs": 10_000_000,
            "max_fail": 10_000_000,
        },
    )
    assert st == 200
    st, body = _json(server, "/api/train", {"table": t["id"], "target": t["target"]})
    assert st == 409 and "already running" in body["error"]
    st, body = _json(server, "/api/playground", {"data": "xor"})
    assert st == 409
    assert _call(server, f"/api/jobs/{first['job']}/stop", b"", method="POST")[0] == 200
    events = _wait(server, first["job"])
    run = next(d["run"] for k, d in events if k == "done")
    st, res = _json(server, f"/api/runs/{run}")
    assert res["stop_reason"] == "stopped by user" and res["epochs"] < 10_000_000


def test_long_runs_send_fewer_points():
    from bpnn.app.session import Job

    keep = Job("j", "train").every_epoch_then_fewer(first=100, seconds=1e9)
    kept = [e for e in range(1, 100_001) if keep(e)]
    assert kept[:100] == list(range(1, 101)) and len(kept) < 1200
    assert all(e % 2 == 0 for e in kept if e > 100)


def test_a_long_playground_run_keeps_the_newest_boundaries_only():
    from bpnn.app.session import KEEP_SNAPSHOTS, Job

    job = Job("j", "playground")
    for i in range(KEEP_SNAPSHOTS + 30):
        job.emit("epoch", {"epoch": i})
        job.emit("snapshot", {"epoch": i})
    kept = [d["epoch"] for k, d in job.events if k == "snapshot"]
    assert kept == list(range(30, KEEP_SNAPSHOTS + 30))
    assert sum(k == "epoch" for k, _ in job.events) == KEEP_SNAPSHOTS + 30


def test_worked_example_numbers_are_explains():
    from bpnn.app.learn import worked_example
    from bpnn.explain import explain

    for lr in (0.5, 0.1):
        d = worked_example(lr)
        text = explain(lr=lr, print_=False)
        nums = (
            [d["E"]]
            + [u[k] for u in d["units"] for k in ("net", "out", "delta", "bias_grad", "bias_new")]
            + [w[k] for w in d["weights"] for k in ("grad", "new")]
        )
        assert len(nums) == 1 + 5 * 5 + 12 * 2
        for n in nums:
            assert n["text"] in text, n
        assert d["units"][3]["out"]["text"] == "0.8910896615"  # the tutorial's out_o1


def test_playground_sets_and_settings():
    from bpnn.app.learn import PLAYGROUND_SETS, make_points, parse_playground

    for name in PLAYGROUND_SETS:
        X, y = make_points(name, 100, 0.1, 0)
        assert X.shape == (100, 2) and set(np.unique(y)) == {0.0, 1.0}
        assert np.abs(X).max() < 2
    with pytest.raises(ValueError, match="hidden layers"):
        parse_playground({"layers": [4, 40]})
    with pytest.raises(ValueError, match="algorithms"):
        parse_playground({"algorithm": "trainbr"})


# -- in Chromium ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (.ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    # bypass_csp: Playwright's wait_for_function evaluates strings, which the app's CSP
    # forbids; test_browser_page_works_under_its_csp runs the page with it enforced
    ctx = browser.new_context(
        viewport={"width": 1400, "height": 1000}, accept_downloads=True, bypass_csp=True
    )
    pg = ctx.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(server.url)
    pg.wait_for_selector("body[data-ready='1']")
    yield pg
    ctx.close()
    assert not errors, errors


def _shot(pg, name, full=False):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(Path(SHOTS) / f"app_{name}.png"), full_page=full)


def _message(pg):
    pg.wait_for_selector("#message:not([hidden]):not(.info)")
    return pg.inner_text("#message")


def test_browser_page_works_under_its_csp(browser, server):
    ctx = browser.new_context()
    pg = ctx.new_page()
    problems = []
    pg.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    pg.on("pageerror", lambda e: problems.append(str(e)))
    pg.goto(server.url)
    pg.wait_for_selector("body[data-ready='1']")
    pg.click("button[data-tab=learn]")
    pg.wait_for_selector("#learn-panel .num")
    pg.click("button[data-tab=playground]")
    pg.wait_for_selector("#pg-net circle")
    pg.click("#lang")
    pg.wait_for_selector("html[lang='zh-CN']")
    ctx.close()
    assert not problems, problems


def test_browser_upload_train_stop_download(page, server, tmp_path):
    csv = tmp_path / "curve.csv"
    df = _regression_csv(csv, n=300)
    assert "token=" not in page.url  # the token is not left in the URL
    page.set_input_files("#train-file", str(csv))
    page.wait_for_selector("#columns select.role")
    page.select_option("select[data-column='y']", "target")
    page.select_option("select[data-column='c']", "input")
    page.wait_for_function("document.getElementById('task-reason').textContent.includes(\"'y'\")")
    page.fill("#hidden", "8")
    page.select_option("#algorithm", "gd")
    page.fill("#epochs", "10000000")
    page.fill("#max-fail", "10000000")
    page.click("#train-btn")
    page.wait_for_function("Number(document.getElementById('perf-chart').dataset.points) >= 30")
    seen = int(page.get_attribute("#perf-chart", "data-points"))
    page.wait_for_function(f"Number(document.getElementById('perf-chart').dataset.points) > {seen}")
    epoch = int(page.inner_text("#s-epoch"))
    assert epoch >= 10
    _shot(page, "train_progress")
    page.click("#stop-btn")
    page.wait_for_selector("#results-card:not([hidden])", timeout=60_000)
    assert "stopped by user" in page.inner_text("#stop-reason-text")
    page.wait_for_selector("#plots img")
    _shot(page, "train", full=True)
    with page.expect_download() as dl:
        page.click("a[data-kind='model']")
    path = tmp_path / "from_page.bpnn"
    dl.value.save_as(path)
    model = bpnn.load(path)
    rec = model.record_
    assert rec.stop_reason == "stopped by user" and epoch <= rec.epochs < 10_000_000
    # the best validation epoch's parameters were kept
    assert rec.best_val_loss == np.nanmin(rec.val_loss)
    Z = model.input_map_.transform(df[["a", "b", "c"]].to_numpy()[rec.val_idx])
    T = model.target_map_.transform(df[["y"]].to_numpy()[rec.val_idx])
    assert np.mean((model.network_.forward(Z) - T) ** 2) == pytest.approx(
        rec.best_val_loss, rel=1e-9
    )
    # the model file predicts what the page showed
    rows = page.eval_on_selector_all(
        "#pred-table tbody tr", "rs => rs.map(r => [...r.cells].map(c => c.textContent))"
    )
    head = page.eval_on_selector_all("#pred-table th", "hs => hs.map(h => h.textContent)")
    shown = np.array([float(r[head.index("prediction")]) for r in rows])
    assert len(shown) == 20
    pred = model.predict(df[["a", "b", "c"]][:20])
    np.testing.assert_allclose(pred, shown, rtol=1e-5, atol=1e-9)
    # a second run with other settings, compared side by side
    n = page.locator("#runs tbody tr").count()
    page.fill("#hidden", "3")
    page.select_option("#algorithm", "lm")
    page.fill("#epochs", "5")
    page.click("#train-btn")
    page.wait_for_function(f"document.querySelectorAll('#runs tbody tr').length > {n}")
    page.check(f"#runs tbody tr:nth-child({n}) input[type=checkbox]")  # the stopped run
    page.wait_for_function("document.querySelectorAll('#compare img').length >= 4")
    page.locator("#runs-card").scroll_into_view_if_needed()
    _shot(page, "compare")


def test_browser_predict_page(page, server, tmp_path):
    csv = tmp_path / "train.csv"
    df = _regression_csv(csv, n=120)
    model = bpnn.BPRegressor(hidden=(3,), epochs=5, preset="matlab", random_state=0, warn=False)
    model.fit(df[["a", "b", "c"]], df["y"])
    bpnn.save(model, tmp_path / "m.bpnn")
    new = tmp_path / "new.csv"
    df[["c", "a", "b"]].iloc[:30].to_csv(new, index=False)
    page.click("button[data-tab=predict]")
    page.set_input_files("#model-file", str(tmp_path / "m.bpnn"))
    page.wait_for_function("document.getElementById('model-summary').textContent.includes('3-3-1')")
    page.set_input_files("#predict-file", str(new))
    page.wait_for_function("document.getElementById('predict-data-summary').textContent.length")
    page.click("#predict-btn")
    page.wait_for_selector("#predict-results:not([hidden])")
    head = page.eval_on_selector_all("#predict-table th", "hs => hs.map(h => h.textContent)")
    col = head.index("prediction")
    shown = page.eval_on_selector_all(
        "#predict-table tbody tr", f"rs => rs.map(r => Number(r.cells[{col}].textContent))"
    )
    np.testing.assert_allclose(shown, model.predict(df[["a", "b", "c"]][:20]), rtol=1e-5)
    _shot(page, "predict")
    # a file that is not a model: a message, and the server keeps serving
    (tmp_path / "broken.bpnn").write_bytes(b"\x00" * 100)
    page.set_input_files("#model-file", str(tmp_path / "broken.bpnn"))
    assert "cannot load 'broken.bpnn'" in _message(page)
    assert _call(server, "/api/meta")[0] == 200


LABEL_OVERLAPS = """() => {
  const box = (e) => { const b = e.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; };
  const meet = (a, b) => a[0] < b[2] - 0.5 && b[0] < a[2] - 0.5 &&
    a[1] < b[3] - 0.5 && b[1] < a[3] - 0.5;
  const inside = (a, b) => a[0] >= b[0] && a[2] <= b[2] && a[1] >= b[1] && a[3] <= b[3];
  const texts = [...document.querySelectorAll('#learn-svg text')]
    .map((e) => [e.textContent, box(e)]);
  const circles = [...document.querySelectorAll('#learn-svg circle')].map(box);
  const out = [];
  texts.forEach(([t, a], i) => {
    texts.slice(i + 1).forEach(([u, b]) => { if (meet(a, b)) out.push(t + ' / ' + u); });
    circles.forEach((c) => { if (meet(a, c) && !inside(a, c)) out.push(t + ' / a unit'); });
  });
  return out;
}"""


def test_browser_learn_numbers_equal_explain(page):
    from bpnn.explain import explain, step_numbers

    page.click("button[data-tab=learn]")
    page.wait_for_selector("#learn-panel .num")
    shown = []
    for step in range(5):
        page.click(f"#step-buttons button[data-step='{step}']")
        page.wait_for_selector(f"#step-buttons button[data-step='{step}'].active")
        shown += page.eval_on_selector_all("#learn-panel .num", "ns => ns.map(n => n.textContent)")
        diagram = page.eval_on_selector_all("#learn-svg .num", "ns => ns.map(n => n.textContent)")
        assert diagram, step  # numbers drawn where they live
        for text in diagram:
            assert text.split("=")[-1].strip() in shown, text
        assert page.evaluate(LABEL_OVERLAPS) == [], step  # every label readable
        if step in (0, 3):
            _shot(page, f"learn_step{step + 1}")
    text = explain(print_=False)
    assert len(shown) == 50
    for v in shown:
        assert v in text, v
    s = step_numbers()
    expected = [
        s["E"],
        *np.concatenate([z.ravel() for z in s["trace"].z]),
        *np.concatenate([d for d in s["deltas"]]),
        *s["gradient"].params,
        *s["updated"].params,
    ]
    for v in expected:
        assert f"{v:.10f}" in shown, v
    assert page.text_content("#explain-text").strip() == text.strip()


def test_browser_playground_trains(page, server):
    page.goto(
        f"http://127.0.0.1:{server.port}/?tab=playground&pg_data=circles&pg_layers=5"
        "&pg_epochs=60&pg_noise=0.1&pg_algorithm=rprop"
    )
    page.wait_for_selector("body[data-ready='1']")
    assert page.input_value("#pg-data") == "circles" and page.input_value("#pg-noise") == "0.1"
    assert page.locator("#pg-layers input").count() == 1
    page.click("#pg-add")
    assert "pg_layers=5%2C4" in page.url or "pg_layers=5,4" in page.url
    page.wait_for_function(
        "Number(document.getElementById('pg-boundary').dataset.snapshots || 0)"
        " === 0 && window.App.meta"
    )
    page.click("#pg-train-btn")
    page.wait_for_function("document.getElementById('pg-status').dataset.stop", timeout=60_000)
    assert int(page.get_attribute("#pg-boundary", "data-snapshots")) >= 2
    status = page.inner_text("#pg-status")
    assert "Epoch 60" in status and "max epochs" in status
    acc = float(status.split("train accuracy ")[1].split(" ")[0])
    assert acc > 0.8, status  # the circles are learnt (fixed seed: deterministic)
    assert int(page.get_attribute("#pg-loss", "data-points")) >= 60
    widths = set(
        page.eval_on_selector_all(
            "#pg-net line.edge", "ls => ls.map(l => l.getAttribute('stroke-width'))"
        )
    )
    colours = set(
        page.eval_on_selector_all(
            "#pg-net line.edge", "ls => ls.map(l => l.getAttribute('stroke'))"
        )
    )
    assert len(widths) > 5 and colours == {"#2563eb", "#ea7a1a"}
    assert page.locator("#pg-net line.edge").count() == 2 * 5 + 5 * 4 + 4
    _shot(page, "playground")


def test_browser_bad_inputs(page, server, tmp_path):
    good = tmp_path / "good.csv"
    _regression_csv(good, n=60)
    page.set_input_files("#train-file", str(good))
    page.wait_for_selector("#columns select.role")
    title = page.inner_text("#data-title")
    cases = []
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    cases.append(("notes.docx", "not a table file"))
    (tmp_path / "binary.csv").write_bytes(bytes(range(256)) * 20)
    cases.append(("binary.csv", "binary.csv"))
    (tmp_path / "huge.csv").write_bytes(b"a,b\n" + b"1,2\n" * (MAX_UPLOAD // 4 + 100))
    cases.append(("huge.csv", "too large"))
    (tmp_path / "sales.xlsx").write_text("a,b\n1,2\n")
    cases.append(("sales.xlsx", "'sales.xlsx' is not an Excel workbook (it holds text"))
    for name, expected in cases:
        page.set_input_files("#train-file", str(tmp_path / name))
        assert expected in _message(page), name
        assert page.inner_text("#data-title") == title  # the loaded table is kept
    _shot(page, "bad_input")
    # missing values, then a non-numeric target
    (tmp_path / "gaps.csv").write_text("a,b,y\n1,2,3\n4,,6\n7,8,9\n1,1,1\n2,2,2\n")
    page.set_input_files("#train-file", str(tmp_path / "gaps.csv"))
    page.wait_for_function("document.getElementById('data-title').textContent.includes('gaps')")
    assert page.input_value("#missing") == "indicator"  # the default trains; error refuses
    page.select_option("#missing", "error")
    page.click("#train-btn")
    assert "'b'" in _message(page) and "missing" in _message(page)
    page.select_option("#missing", "mean")
    page.fill("#epochs", "3")
    page.click("#train-btn")
    page.wait_for_selector("#results-card:not([hidden])")
    (tmp_path / "labels.csv").write_text("a,y\n1,low\n2,high\n3,low\n4,high\n")
    page.set_input_files("#train-file", str(tmp_path / "labels.csv"))
    page.wait_for_function("document.getElementById('data-title').textContent.includes('labels')")
    page.select_option("#task", "regression")
    page.click("#train-btn")
    assert "not numeric" in _message(page)
    # two trainings at once: the playground while the Train page trains
    page.set_input_files("#train-file", str(good))
    page.wait_for_function("document.getElementById('data-title').textContent.includes('good')")
    page.select_option("#task", "auto")
    page.select_option("#algorithm", "gd")
    page.fill("#epochs", "10000000")
    page.fill("#max-fail", "10000000")
    page.click("#train-btn")
    page.wait_for_function("Number(document.getElementById('s-epoch').textContent) > 0")
    page.click("button[data-tab=playground]")
    page.click("#pg-train-btn")
    assert "already running" in _message(page)
    page.click("button[data-tab=train]")
    page.click("#stop-btn")
    page.wait_for_function(
        "document.getElementById('stop-reason-text').textContent.includes('stopped by user')"
    )
    assert _call(server, "/api/meta")[0] == 200


def test_browser_language_switch_and_time_series_tab(page, server):
    assert page.inner_text("button[data-tab=train]") == "Train"
    page.click("#lang")
    assert page.inner_text("button[data-tab=train]") == "训练"
    assert "lang=zh" in page.url
    page.select_option("#builtin", "iris")
    page.click("#builtin-load")
    page.wait_for_selector("#columns select.role")
    assert "模式识别" in page.inner_text("#task-reason")  # detected: classification
    _shot(page, "train_zh")
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    assert page.inner_text("button[data-tab=predict]") == "预测"  # kept across a reload
    page.click("#lang")
    assert page.inner_text("button[data-tab=predict]") == "Predict"
    page.click("button[data-tab=timeseries]")
    has_ts = bool(_json(server, "/api/meta")[1]["timeseries"])
    text = page.inner_text("#ts-status")
    assert ("ntstool" in text) if has_ts else ("needs the bpnn.timeseries module" in text)


needs_ts = pytest.mark.skipif(
    not __import__("importlib").util.find_spec("bpnn.timeseries"),
    reason="bpnn.timeseries is not part of this bpnn",
)


@needs_ts
def test_time_series_run_forecasts_and_downloads(server, tmp_path, monkeypatch):
    from bpnn.timeseries import BPForecaster

    t = _json(server, "/api/data/builtin", {"name": "sunspots"})[1]
    st, body = _json(server, "/api/train", {"table": t["id"], "target": t["target"]})
    assert st == 400 and "Time series tab" in body["error"]
    st, body = _json(
        server,
        "/api/timeseries",
        {
            "table": t["id"],
            "target": ["sunspots"],
            "feedback_delays": "1:2",
            "hidden": "4",
            "epochs": 20,
            "steps": 12,
            "seed": 1,
        },
    )
    assert st == 200, body
    run = next(d["run"] for k, d in _wait(server, body["job"]) if k == "done")
    res = _json(server, f"/api/runs/{run}")[1]
    assert res["model_kind"] == "narnet" and len(res["series"]["forecast"]) == 12
    assert res["inputs"] == ["sunspots(t-1)", "sunspots(t-2)"]
    assert {"train", "validation", "test"} <= set(res["metrics"])
    st, data = _call(server, f"/api/runs/{run}/download/model")
    (tmp_path / "ts.bpnn").write_bytes(data)
    model = bpnn.load(tmp_path / "ts.bpnn")
    assert isinstance(model, BPForecaster)
    np.testing.assert_allclose(
        np.asarray(model.predict(12)).ravel(), res["series"]["forecast"], rtol=1e-12
    )
    st, data = _call(server, f"/api/runs/{run}/download/predictions")
    assert data.decode().count("forecast") == 12
    st, body = _call(server, "/api/predict/model?name=ts.bpnn", (tmp_path / "ts.bpnn").read_bytes())
    assert st == 400 and "time-series model (narnet)" in json.loads(body)["error"]
    assert _call(server, f"/api/runs/{run}/download/onnx")[0] == 404
    st, data = _call(server, f"/api/runs/{run}/download/command")
    assert st == 200 and data.startswith(b"#!/bin/sh") and b"\nbpnn forecast model.bpnn" in data
    argv = res["command"].splitlines()[0].split()[1:]  # and so does the command line
    argv[argv.index("-o") + 1] = str(tmp_path / "cli.bpnn")
    argv[argv.index("--report") + 1] = str(tmp_path / "cli.html")
    assert main(argv + ["-q"]) == 0
    np.testing.assert_allclose(
        np.asarray(bpnn.load(tmp_path / "cli.bpnn").predict(12)).ravel(),
        res["series"]["forecast"],
        rtol=1e-10,
    )
    assert res["command"].splitlines()[1].startswith("bpnn forecast model.bpnn --steps 12")
    monkeypatch.chdir(tmp_path)  # the generated script trains the same model
    exec(compile(res["script"], "train_ts.py", "exec"), {"__name__": "__main__"})  # noqa: S102
    np.testing.assert_allclose(
        bpnn.load(tmp_path / "model.bpnn").predict(12), model.predict(12), rtol=1e-10
    )
    # a gap in the series is a message naming the column and the row
    (tmp_path / "gap.csv").write_text("t,v\n1,1\n2,\n3,3\n4,4\n5,5\n6,6\n")
    g = _upload(server, "gap.csv", (tmp_path / "gap.csv").read_bytes())
    st, body = _json(server, "/api/timeseries", {"table": g["id"], "target": ["v"]})
    assert st == 400 and "'v'" in body["error"] and "every time step" in body["error"]


def test_time_series_differences_and_search_horizon_from_the_page(server, tmp_path):
    t = _json(server, "/api/data/builtin", {"name": "sunspots"})[1]
    base = {"table": t["id"], "target": ["sunspots"], "epochs": 15, "steps": 6, "seed": 2}
    fixed = {**base, "feedback_delays": "1:2", "hidden": "3", "difference": "11"}
    st, body = _json(server, "/api/timeseries", fixed)
    assert st == 200, body
    run = next(d["run"] for k, d in _wait(server, body["job"]) if k == "done")
    res = _json(server, f"/api/runs/{run}")[1]
    assert res["inputs"] == ["Δ11sunspots(t-1)", "Δ11sunspots(t-2)"]
    (tmp_path / "d.bpnn").write_bytes(_call(server, f"/api/runs/{run}/download/model")[1])
    model = bpnn.load(tmp_path / "d.bpnn")
    assert model.difference == 11 and model.max_delay_ == 13
    argv = shlex.split(res["command"].splitlines()[0])[1:]
    assert argv[argv.index("--difference") + 1] == "11" and "--horizon" not in argv
    argv[argv.index("-o") + 1] = str(tmp_path / "cli.bpnn")
    argv[argv.index("--report") + 1] = str(tmp_path / "cli.html")
    assert main(argv + ["-q"]) == 0  # the command line trains the same model
    np.testing.assert_allclose(
        np.asarray(bpnn.load(tmp_path / "cli.bpnn").predict(6)).ravel(),
        res["series"]["forecast"],
        rtol=1e-10,
    )
    assert "difference=11" in res["script"]
    # the search's horizon reaches the model and the command line; "auto" leaves both alone
    st, body = _json(server, "/api/timeseries", {**base, "horizon": "3", "difference": "0"})
    assert st == 200, body
    run = next(d["run"] for k, d in _wait(server, body["job"]) if k == "done")
    res = _json(server, f"/api/runs/{run}")[1]
    (tmp_path / "h.bpnn").write_bytes(_call(server, f"/api/runs/{run}/download/model")[1])
    model = bpnn.load(tmp_path / "h.bpnn")
    assert model.horizon == 3 and model.structure_search_["horizon"] == 3
    assert model.difference == 0 and model.structure_["difference"] == 0
    assert "--horizon 3" in res["command"] and "--difference 0" in res["command"]
    for bad, key in (("-1", "differences"), ("x", "differences"), ("0", "horizon")):
        settings = {**base, "difference": bad} if key == "differences" else {**base, "horizon": bad}
        st, body = _json(server, "/api/timeseries", settings)
        assert st == 400 and key in body["error"] and repr(bad) in body["error"]


@needs_ts
def test_browser_time_series_page(page):
    page.click("button[data-tab=timeseries]")
    page.select_option("#ts-builtin", "narendra_plant")
    page.click("#ts-builtin-load")
    page.wait_for_selector("#ts-columns select.ts-role")
    assert page.input_value("select[data-column='u']") == "exog"
    assert page.input_value("select[data-column='y']") == "target"
    page.fill("#ts-epochs", "12")
    assert page.input_value("#ts-diff") == "auto" and page.input_value("#ts-horizon") == "auto"
    page.click("#ts-train-btn")
    page.wait_for_selector("#ts-results:not([hidden])", timeout=60_000)
    assert "narxnet" in page.inner_text("#ts-stop")
    assert "u(t-1)" in page.inner_text("#ts-stop")
    assert page.inner_text("#ts-s-epoch") == "12"  # the last epoch is shown too
    assert int(page.get_attribute("#ts-chart", "data-points")) >= 1990
    assert "future values" in page.inner_text("#ts-note")
    # the page starts at BPForecaster's defaults, and its command line asks for the same
    assert "--feedback-delays auto --inputs u --input-delays auto --hidden auto" in (
        page.inner_text("#ts-command")
    )
    assert "--difference" not in page.inner_text("#ts-command")  # auto: the search decides
    kinds = page.eval_on_selector_all("#ts-downloads a", "as => as.map(a => a.dataset.kind)")
    assert kinds == ["model", "predictions", "report", "script", "command"]
    assert "No Python / C / ONNX export" in page.inner_text("#ts-results")  # and says why
    page.wait_for_selector("#ts-plots img")
    _shot(page, "timeseries", full=True)
    page.fill("#ts-diff", "1")  # a difference typed on the page reaches the command line
    page.fill("#ts-horizon", "5")
    page.click("#ts-train-btn")
    page.wait_for_function(
        "document.querySelector('#ts-command').innerText.includes('--difference 1')",
        timeout=60_000,
    )
    assert "--horizon 5" in page.inner_text("#ts-command")
    assert "Δy(t-1)" in page.inner_text("#ts-stop")


# every form control inside its card, on the tabs with a two-column form (a long option,
# "auto (trainlm for fitting, trainscg for pattern recognition)", once widened its column
# past the card's edge)
_OVERFLOW = """() => [...document.querySelectorAll('.form')].filter(f => f.offsetParent)
  .flatMap(f => { const card = f.closest('.card').getBoundingClientRect();
    return [...f.querySelectorAll('input, select')].filter(e => e.offsetParent)
      .filter(e => e.getBoundingClientRect().right > card.right + 0.5).map(e => e.id); })"""


@pytest.mark.parametrize("width", [1100, 1300, 1600])
def test_browser_form_controls_stay_inside_their_cards(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    for tab in ("train", "timeseries"):
        page.click(f"button[data-tab={tab}]")
        assert page.evaluate(_OVERFLOW) == [], (tab, width)


# -- column kinds (the data layer's detection, changed on the page) -------------------------
def _shop_csv(path, n=200, seed=0):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "id": [f"P{i:04d}" for i in range(n)],
            "color": rng.choice(["red", "green", "blue"], n),
            "size": rng.choice(["S", "M", "L"], n),
            "grade": rng.integers(1, 4, n),
            "地区": rng.choice(["华东", "华北"], n),
            "weight": rng.uniform(1, 5, n).round(3),
            "member": rng.choice([True, False], n),
        }
    )
    df["price"] = (
        5 * (df["color"] == "red")
        + df["size"].map({"S": 0.0, "M": 1.0, "L": 2.5})
        + 1.5 * df["member"]
        + df["grade"].map({1: 0.0, 2: 4.0, 3: 1.0})
        + 2 * (df["地区"] == "华东")
        + df["weight"]
    ).round(3)
    df.loc[::15, "weight"] = np.nan
    df.to_csv(path, index=False)
    return df


def test_column_kinds_are_detected_and_choices_reach_command_and_script(
    server, tmp_path, monkeypatch
):
    csv = tmp_path / "shop.csv"
    df = _shop_csv(csv)
    t = _upload(server, "shop.csv", csv.read_bytes())
    kinds = {c["name"]: c["kind"] for c in t["columns"]}
    assert kinds == {
        "id": "ignored",
        "color": "categorical",
        "size": "categorical",
        "grade": "numeric",
        "地区": "categorical",
        "weight": "numeric",
        "member": "categorical",
        "price": "numeric",
    }
    levels = {c["name"]: c.get("levels") for c in t["columns"] if "levels" in c}
    assert levels == {"color": 3, "size": 3, "地区": 2, "member": 2}
    notes = {c["name"]: c["kind_note"] for c in t["columns"] if "kind_note" in c}
    assert list(notes) == ["id"] and "identifier" in notes["id"]
    # id left out, as the page presets it; grade's codes as levels, member's booleans as 0/1
    features = ["color", "size", "grade", "地区", "weight", "member"]
    settings = {
        "table": t["id"],
        "target": ["price"],
        "features": features,
        "kinds": {
            "color": "categorical",
            "size": "categorical",
            "grade": "categorical",
            "地区": "categorical",
            "weight": "numeric",
            "member": "numeric",
        },
        "hidden": "6",
        "epochs": 30,
        "seed": 1,
    }
    st, body = _json(server, "/api/train", settings)
    assert st == 200, body
    events = _wait(server, body["job"])
    run_id = next(d["run"] for k, d in events if k == "done")
    st, run = _json(server, f"/api/runs/{run_id}")
    argv = shlex.split(run["command"])[1:]
    opt = {a: argv[i + 1] for i, a in enumerate(argv) if a.startswith("--")}
    assert opt["--features"] == "color,size,grade,地区,weight,member"
    assert (opt["--categorical"], opt["--numeric"], opt["--missing"]) == (
        "grade",
        "member",
        "indicator",
    )
    assert "--features color,size,grade,地区,weight,member" not in run["command"]  # quoted
    script = run["script"]
    assert "features=['color', 'size', 'grade', '地区', 'weight', 'member']" in script
    for kw in ("categorical=['grade']", "numeric=['member']", "missing='indicator'", "raw=True"):
        assert kw in script, kw
    st, data = _call(server, f"/api/runs/{run_id}/download/model")
    (tmp_path / "app.bpnn").write_bytes(data)
    app_model = bpnn.load(tmp_path / "app.bpnn")
    assert app_model.table_map_.output_names_[:3] == ["color=blue", "color=green", "color=red"]
    names = app_model.table_map_.output_names_
    assert {"grade=2", "size=S", "地区=华北", "member", "weight", "weight=<missing>"} <= set(names)
    assert not any(n.startswith("id") for n in names)
    X = df[features]
    argv[1] = str(csv)
    argv[argv.index("-o") + 1] = str(tmp_path / "cli.bpnn")
    argv[argv.index("--report") + 1] = str(tmp_path / "cli.html")
    assert main(argv + ["-q"]) == 0
    cli = bpnn.load(tmp_path / "cli.bpnn")
    np.testing.assert_allclose(cli.predict(X), app_model.predict(X), rtol=1e-10, atol=1e-12)
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(run["script"], "train_model.py", "exec"), {"__name__": "__main__"})  # noqa: S102
    np.testing.assert_allclose(
        bpnn.load(tmp_path / "model.bpnn").predict(X), app_model.predict(X), rtol=1e-10, atol=1e-12
    )
    # a text column forced numeric is one line on the page, its name and value in Chinese
    err = _train_error(server, dict(settings, kinds={"地区": "numeric"}))
    assert "column '地区'" in err and "is numeric but holds '华" in err and "\n" not in err


def test_a_column_the_table_map_refuses_says_why_and_trains_as_categorical(server):
    n = 60
    qty = [str(i % 7) for i in range(n)]
    qty[9] = "many"  # numbers with one stray word
    df = pd.DataFrame({"qty": qty, "x": np.linspace(0, 1, n), "y": np.linspace(1, 2, n)})
    t = _upload(server, "stock.csv", df.to_csv(index=False).encode())
    col = next(c for c in t["columns"] if c["name"] == "qty")
    assert col["kind"] == "numeric"
    why = "column 'qty' in 'stock.csv' is numeric but holds 'many' in row 10"
    assert col["kind_note"] == why  # training says the same, if qty stays numeric
    settings = {"table": t["id"], "target": ["y"], "hidden": "2", "epochs": 2}
    assert _train_error(server, settings) == why
    st, body = _json(server, "/api/train", dict(settings, kinds={"qty": "categorical"}))
    assert st == 200, body
    run_id = next(d["run"] for k, d in _wait(server, body["job"]) if k == "done")
    st, run = _json(server, f"/api/runs/{run_id}")
    assert "--categorical qty" in run["command"] and "categorical=['qty']" in run["script"]


def _train_error(srv, settings):
    st, body = _json(srv, "/api/train", settings)
    if st != 200:
        return body["error"]
    events = _wait(srv, body["job"])
    return next(d["error"] for k, d in events if k == "failed")


@pytest.mark.parametrize("missing", ["indicator", "mean", "median", "drop", "error"])
def test_missing_values_choice_reaches_model_command_and_script(server, tmp_path, missing):
    csv = tmp_path / "shop.csv"
    _shop_csv(csv)  # weight has 14 blank cells
    t = _upload(server, "shop.csv", csv.read_bytes())
    settings = {
        "table": t["id"],
        "target": ["price"],
        "features": ["color", "地区", "weight"],
        "missing": missing,
        "hidden": "3",
        "epochs": 3,
    }
    if missing == "error":
        err = _train_error(server, settings)
        assert "column 'weight'" in err and "14 missing value(s), the first in row 1" in err
        assert "Missing values: indicator, mean, median or drop" in err
        return
    st, body = _json(server, "/api/train", settings)
    assert st == 200, body
    events = _wait(server, body["job"])
    run_id = next(d["run"] for k, d in events if k == "done")
    rows = next(d["rows"] for k, d in events if k == "started")
    assert rows == (186 if missing == "drop" else 200)
    st, run = _json(server, f"/api/runs/{run_id}")
    args = build_parser().parse_args(shlex.split(run["command"])[1:])
    assert args.missing == missing and args.features == "color,地区,weight"
    assert f"missing={missing!r}" in run["script"]
    st, data = _call(server, f"/api/runs/{run_id}/download/model")
    (tmp_path / "m.bpnn").write_bytes(data)
    model = bpnn.load(tmp_path / "m.bpnn")
    assert model.missing == missing
    assert ("weight=<missing>" in model.table_map_.output_names_) == (missing == "indicator")


def test_browser_column_kinds(page, server, tmp_path):
    csv = tmp_path / "shop.csv"
    _shop_csv(csv)
    page.set_input_files("#train-file", str(csv))
    page.wait_for_selector("#columns select.kind")
    kind = "select.kind[data-column='{}']".format
    role = "select.role[data-column='{}']".format
    # preset to the table map's detection; the target has no kind to choose
    assert page.input_value(role("id")) == "ignore" and page.input_value(kind("id")) == "ignored"
    for col, want in [("color", "categorical"), ("size", "categorical"), ("grade", "numeric")]:
        assert page.input_value(kind(col)) == want, col
    assert page.input_value(role("price")) == "target" and page.is_hidden(kind("price"))
    assert page.inner_text(f"{kind('地区')} option[value=categorical]") == "categorical (2)"
    assert "地区" in page.inner_text("#columns") and "华东" in page.inner_text("#preview")
    note = page.inner_text("#kind-notes li[data-column='id']")
    assert note.startswith("id: left out of the inputs") and "identifier" in note
    # the role and the kind agree: an input read as ignored is ignored, and back
    page.select_option(kind("color"), "ignored")
    assert page.input_value(role("color")) == "ignore"
    page.select_option(role("color"), "input")
    assert page.input_value(kind("color")) == "categorical"
    page.select_option(role("id"), "input")
    assert page.input_value(kind("id")) == "categorical"  # text: as levels, if it must go in
    page.select_option(role("id"), "ignore")
    assert page.input_value(kind("id")) == "ignored"
    # text forced numeric: the table map's one line in the page's message area
    page.fill("#epochs", "20")
    page.select_option(kind("地区"), "numeric")
    page.click("#train-btn")
    msg = _message(page)
    assert "column '地区'" in msg and "is numeric but holds '华" in msg
    page.wait_for_selector("#train-btn:not([disabled])")
    _shot(page, "column_kinds_error")
    page.select_option(kind("地区"), "categorical")
    page.select_option(kind("grade"), "categorical")
    assert page.is_hidden("#message")  # the choice that failed is gone, and so is its message
    for width in (1300, 1400):  # the table and its selects fit the Data card, no scrolling
        page.set_viewport_size({"width": width, "height": 1000})
        assert page.evaluate(_COLUMNS_FIT) == [], width
    _shot(page, "column_kinds")
    page.click("#train-btn")
    page.wait_for_selector("#results-card:not([hidden])", timeout=60_000)
    page.wait_for_function("document.getElementById('cli-command').textContent.length > 0")
    _shot(page, "column_kinds_trained", full=True)
    argv = shlex.split(page.inner_text("#cli-command"))
    assert argv[argv.index("--features") + 1] == "color,size,grade,地区,weight,member"
    assert argv[argv.index("--categorical") + 1] == "grade" and "--numeric" not in argv
    assert argv[argv.index("--missing") + 1] == "indicator"


_COLUMNS_FIT = """() => { const card = document.getElementById('columns').closest('.card')
    .getBoundingClientRect(); const t = document.getElementById('columns');
  const bad = [...t.querySelectorAll('select')].filter(e => e.offsetParent)
    .filter(e => e.getBoundingClientRect().right > card.right + 0.5).map(e => e.dataset.column);
  if (t.scrollWidth > t.clientWidth + 1) bad.push('scrolls');
  return bad; }"""
