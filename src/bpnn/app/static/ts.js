/* bpnn app: the Time series page (bpnn.timeseries.BPForecaster). */
"use strict";
(function () {
  const T = (k) => window.BPI18N.t(k);
  const $ = (id) => document.getElementById(id);
  const S = { table: null, job: null, curve: null };

  function showTable(t) {
    S.table = t;
    $("ts-title").textContent = `${T("m_loaded")}: ${t.name} — ${t.rows} ${T("m_rows")}, ${t.n_columns} ${T("m_cols")}`;
    const hinted = t.builtin ? t.columns.map((c) => c.name).filter((n) => !t.target.includes(n) && n !== "year" && n !== "t") : [];
    App.fillTable($("ts-columns"), [T("m_role"), T("m_name"), T("m_type"), T("m_missing"), T("m_min"), T("m_max")],
      t.columns.map((c) => ["", c.name, c.dtype, c.missing, App.fmt(c.min), App.fmt(c.max)]), [0, 1, 2]);
    $("ts-columns").querySelectorAll("tbody tr").forEach((tr, i) => {
      const name = t.columns[i].name;
      const sel = App.el("select", { "data-column": name, class: "ts-role" },
        App.el("option", { value: "target", text: T("m_series") }), App.el("option", { value: "exog", text: T("m_exog") }),
        App.el("option", { value: "ignore", text: T("m_ignore") }));
      sel.value = t.target.includes(name) ? "target" : (hinted.includes(name) ? "exog" : "ignore");
      tr.firstChild.replaceChildren(sel);
    });
  }

  function settings() {
    const target = [], exog = [];
    document.querySelectorAll("#ts-columns select.ts-role").forEach((s) => {
      if (s.value === "target") target.push(s.dataset.column); else if (s.value === "exog") exog.push(s.dataset.column);
    });
    return {
      table: S.table && S.table.id, target, exog, feedback_delays: $("ts-fb").value, input_delays: $("ts-in").value,
      hidden: $("ts-hidden").value, difference: $("ts-diff").value, horizon: $("ts-horizon").value,
      algorithm: $("ts-algorithm").value, epochs: $("ts-epochs").value,
      max_fail: $("ts-max-fail").value, steps: $("ts-steps").value,
      n_ensemble: $("ts-ensemble").value, interval: $("ts-interval").value,
      ratios: [$("ts-r-train").value, $("ts-r-val").value, $("ts-r-test").value].map(Number),
    };
  }

  function drawPerf() {
    const c = S.curve;
    BPChart.draw($("ts-perf"), [
      { label: T("train_loss"), color: "#2563eb", x: c.epoch, y: c.loss },
      { label: T("val_loss"), color: "#16a34a", x: c.epoch, y: c.val },
      { label: T("test_loss"), color: "#dc2626", x: c.epoch, y: c.test },
    ], { logY: true, xlabel: T("epoch") });
  }

  async function train() {
    App.say("");
    if (!S.table) { App.say(T("m_no_data")); return; }
    let job;
    try { job = (await App.api("/api/timeseries", { json: settings() })).job; } catch (e) { App.fail(e); return; }
    S.job = job;
    S.curve = { epoch: [], loss: [], val: [], test: [] };
    $("ts-progress").hidden = false;
    $("ts-train-btn").disabled = true; $("ts-stop-btn").disabled = false;
    const finish = () => { $("ts-train-btn").disabled = false; $("ts-stop-btn").disabled = true; S.job = null; };
    App.follow(job, {
      epochs: (pts) => {
        for (const p of pts) { S.curve.epoch.push(p.epoch); S.curve.loss.push(p.loss); S.curve.val.push(p.val); S.curve.test.push(p.test); }
        const p = pts[pts.length - 1];
        $("ts-s-epoch").textContent = p.epoch; $("ts-s-loss").textContent = App.fmt(p.loss);
        $("ts-s-val").textContent = App.fmt(p.val); $("ts-s-grad").textContent = App.fmt(p.grad, 3);
        $("ts-s-mu").textContent = App.fmt(p.mu, 3); $("ts-s-fails").textContent = p.fails === null ? "—" : p.fails;
        drawPerf();
      },
      done: async (d) => { try { show(await App.api("/api/runs/" + d.run)); } catch (e) { App.fail(e); } },
      failed: (d) => App.say(d.error),
      end: finish,
      lost: () => { finish(); App.say(T("m_conn")); },
    });
  }

  function show(r) {
    $("ts-results").hidden = false;
    const last = App.finalCurves(S.curve, r);
    if (last) {
      $("ts-s-epoch").textContent = last.epoch; $("ts-s-loss").textContent = App.fmt(last.loss);
      $("ts-s-val").textContent = App.fmt(last.val); $("ts-s-grad").textContent = App.fmt(last.grad, 3);
      $("ts-s-mu").textContent = App.fmt(last.mu, 3); $("ts-s-fails").textContent = last.fails === null ? "—" : last.fails;
      drawPerf();
    }
    $("ts-stop").replaceChildren(App.el("b", { id: "ts-stop-text", text: `${T("m_stopped_after")}: ${r.stop_reason}` }),
      document.createTextNode(` (${r.epochs} ${T("m_after")}, ${T("m_best_epoch")} ${r.best_epoch}; ${r.model_kind} ${r.network}, ${r.algorithm}; ${T("m_inputs")}: ${r.inputs.join(", ")})`));
    const names = r.metric_names;
    App.fillTable($("ts-metrics"), [T("m_set"), ...names], Object.entries(r.metrics).map(([k, m]) => [k, ...names.map((n) => App.fmt(m[n], n === "R" ? 6 : 4))]), [0]);
    const s = r.series, n = s.target.length, f = s.forecast || [];
    const x = Array.from({ length: n }, (_, i) => i + 1), xf = f.length ? [n, ...f.map((_, i) => n + i + 1)] : [];
    const band = s.lower ? [{ label: T("m_band"), color: "#dc2626", fill: "rgba(220, 38, 38, 0.16)",
      x: s.lower.map((_, i) => n + i + 1), lo: s.lower, hi: s.upper }] : [];
    BPChart.draw($("ts-chart"), [...band,
      { label: T("m_series"), color: "#64748b", x, y: s.target },
      { label: T("m_output"), color: "#2563eb", x, y: s.output, dash: [4, 2] },
      { label: T("m_forecast"), color: "#dc2626", x: xf, y: f.length ? [s.target[n - 1], ...f] : [] },
    ], { xlabel: "t" });
    $("ts-note").textContent = r.forecast_note || "";
    const d = $("ts-downloads");
    const labels = { model: "m_model", predictions: "m_preds", report: "m_report", script: "m_script", command: "m_command" };
    d.replaceChildren(...r.downloads.map((k) => App.el("a", { class: "button", href: `/api/runs/${r.id}/download/${k}`, download: "", "data-kind": k, text: T(labels[k]) })));
    $("ts-script").textContent = r.script;
    $("ts-command").textContent = r.command;
    $("ts-plots").replaceChildren(...r.plots.map((p) => App.el("figure", {}, App.el("img", { src: `/api/runs/${r.id}/plot/${p.name}.png`, alt: p.caption }), App.el("figcaption", { text: p.caption }))));
  }

  let ready = false;
  function init() {
    if (ready || !App.meta || !App.meta.timeseries) return;
    ready = true;
    $("ts-builtin").replaceChildren(...["sunspots", "narendra_plant"].filter((n) => App.meta.datasets.includes(n)).map((n) => App.el("option", { value: n, text: n })));
    $("ts-algorithm").replaceChildren(
      App.el("option", { value: "auto", text: "auto (br with an automatic structure, else lm)" }),
      ...App.meta.algorithms.map((a) => App.el("option", { value: a.name, text: a.matlab ? `${a.matlab} (${a.name})` : a.name })));
    $("ts-algorithm").value = "auto";
    $("ts-file").addEventListener("change", (e) => App.uploadTable(e.target.files[0], showTable));
    $("ts-builtin-load").addEventListener("click", async () => {
      App.say("");
      try { showTable(await App.api("/api/data/builtin", { json: { name: $("ts-builtin").value } })); } catch (e) { App.fail(e); }
    });
    $("ts-train-btn").addEventListener("click", train);
    $("ts-stop-btn").addEventListener("click", async () => {
      if (!S.job) return;
      $("ts-stop-btn").disabled = true;
      try { await App.api(`/api/jobs/${S.job}/stop`, { method: "POST" }); } catch (e) { App.fail(e); }
    });
  }
  document.addEventListener("bpnn-tab", (ev) => { if (ev.detail === "timeseries") init(); });
})();
