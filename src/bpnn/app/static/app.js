/* bpnn app: tabs, the API, the Train and Predict pages. No library, no network but this server. */
"use strict";
const T = (k) => window.BPI18N.t(k);
const $ = (id) => document.getElementById(id);
const TOKEN = document.querySelector('meta[name="bpnn-token"]').content;
const App = { meta: null, table: null, job: null, runs: [], source: null };
window.App = App;

// -- the API ---------------------------------------------------------------------------------
async function api(path, opts) {
  opts = opts || {};
  const headers = Object.assign({ "X-BPNN-Token": TOKEN }, opts.headers || {});
  if (opts.json !== undefined) {
    headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(opts.json);
  }
  let r;
  try {
    r = await fetch(path, { method: opts.method || (opts.body ? "POST" : "GET"), headers, body: opts.body });
  } catch (e) {
    throw new Error(T("m_conn") + ": " + e.message);
  }
  let body = null;
  try { body = await r.json(); } catch (e) { body = { error: r.status + " " + r.statusText }; }
  if (!r.ok) throw new Error((body && body.error) || r.statusText);
  return body;
}
App.api = api;

function say(text, kind) {
  const m = $("message");
  if (!text) { m.hidden = true; m.textContent = ""; return; }
  m.textContent = text;
  m.className = kind === "info" ? "info" : "";
  m.hidden = false;
  if (kind !== "info") m.scrollIntoView({ block: "nearest" });
}
App.say = say;
App.fail = (e) => say(e.message || String(e));

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}
App.el = el;

function fillTable(table, columns, rows, leftCols) {
  table.replaceChildren();
  const head = el("tr", {}, ...columns.map((c, i) => el("th", { class: (leftCols || []).includes(i) ? "l" : "", text: c })));
  table.append(el("thead", {}, head));
  const body = el("tbody");
  for (const r of rows) body.append(el("tr", {}, ...r.map((v, i) => el("td", { class: (leftCols || []).includes(i) ? "l" : "", text: v === null ? "—" : String(v) }))));
  table.append(body);
}
App.fillTable = fillTable;

const fmt = (v, d) => (v === null || v === undefined) ? "—" : (typeof v === "number" ? String(+v.toPrecision(d || 4)) : String(v));
App.fmt = fmt;

// -- tabs and the URL --------------------------------------------------------------------------
function showTab(name, replace) {
  if (!document.getElementById("page-" + name)) name = "train";
  document.querySelectorAll(".page").forEach((p) => { p.hidden = p.id !== "page-" + name; });
  document.querySelectorAll("#tabs button").forEach((b) => b.classList.toggle("active", b.dataset.tab === name));
  const q = new URLSearchParams(location.search);
  q.delete("token");
  q.set("tab", name);
  if (name !== "playground") for (const k of [...q.keys()]) if (k.startsWith("pg_")) q.delete(k);
  history[replace ? "replaceState" : "pushState"](null, "", "?" + q.toString());
  document.dispatchEvent(new CustomEvent("bpnn-tab", { detail: name }));
}
App.showTab = showTab;

const size = (n) => n >= 1048576 ? (n / 1048576).toFixed(1) + " MB" : Math.ceil(n / 1024) + " kB";

// -- Train: data ---------------------------------------------------------------------------------
async function uploadTable(file, onLoaded) {
  say("");
  if (!file) return;
  if (App.meta && file.size > App.meta.max_upload) {
    say(`${T("m_too_big")}: ${file.name} (${size(file.size)}), ${T("m_limit")} ${size(App.meta.max_upload)}`);
    return;
  }
  say(T("m_loading"), "info");
  try {
    const t = await api("/api/data/upload?name=" + encodeURIComponent(file.name), { method: "POST", body: file });
    say("");
    onLoaded(t);
  } catch (e) { App.fail(e); }
}

function showTable(t) {
  App.table = t;
  $("data-summary").hidden = false;
  $("data-title").textContent = `${T("m_loaded")}: ${t.name} — ${t.rows} ${T("m_rows")}, ${t.n_columns} ${T("m_cols")}`;
  fillTable($("preview"), t.preview.columns, t.preview.rows);
  const rows = t.columns.map((c) => [c.name, c.dtype, c.missing, c.unique, fmt(c.min), fmt(c.max), fmt(c.mean)]);
  const table = $("columns");
  fillTable(table, [T("m_role"), T("m_kind"), T("m_name"), T("m_type"), T("m_missing"), T("m_unique"), T("m_min"), T("m_max"), T("m_mean")],
    rows.map((r) => ["", "", ...r]), [0, 1, 2, 3]);
  table.querySelectorAll("tbody tr").forEach((tr, i) => {
    const c = t.columns[i], name = c.name;
    const sel = el("select", { "data-column": name, class: "role" },
      el("option", { value: "input", text: T("m_input") }), el("option", { value: "target", text: T("m_target") }),
      el("option", { value: "ignore", text: T("m_ignore") }));
    // the table map's detection: an identifier or a date column starts as ignored
    sel.value = t.target.includes(name) ? "target" : (c.kind === "ignored" ? "ignore" : "input");
    tr.firstChild.replaceChildren(sel);
    const kind = el("select", { "data-column": name, class: "kind", title: c.kind_note || "" },
      el("option", { value: "numeric", text: T("m_numeric") }),
      // the levels the table map found, or the distinct codes that would be levels (up to 20)
      el("option", { value: "categorical", text: T("m_categorical") + (c.levels || c.unique <= 20 ? ` (${c.levels || c.unique})` : "") }),
      el("option", { value: "ignored", text: T("m_ignored") }));
    kind.value = c.kind === "categorical" || c.kind === "ordinal" ? "categorical" : (c.kind === "ignored" ? "ignored" : "numeric");
    // what the column is read as when the user makes an ignored one an input again
    const asInput = c.kind === "ignored" ? (c.numeric ? "numeric" : "categorical") : kind.value;
    kind.hidden = sel.value === "target";  // the target's kind is the task's business
    sel.addEventListener("change", () => {
      kind.hidden = sel.value === "target";
      if (sel.value === "ignore") kind.value = "ignored";
      else if (kind.value === "ignored") kind.value = asInput;
      detectTask();
    });
    kind.addEventListener("change", () => {
      if (kind.value === "ignored") sel.value = "ignore";
      else if (sel.value === "ignore") sel.value = "input";
      say("");  // an error about the old choice no longer holds
    });
    tr.children[1].replaceChildren(kind);  // a column's note is listed under the table
  });
  // why a column starts ignored, or why the table map refuses it as it stands: on the page
  $("kind-notes").replaceChildren(...t.columns.filter((c) => c.kind_note).map((c) =>
    el("li", { "data-column": c.name, text: `${c.name}: ${c.kind === "ignored" ? T("m_left_out") + " — " : ""}${c.kind_note}` })));
  $("task").value = "auto";
  showTaskReason(t);
}

function roles() {
  const target = [], features = [], kinds = {};
  document.querySelectorAll("#columns select.role").forEach((s) => {
    if (s.value === "target") target.push(s.dataset.column);
    else if (s.value === "input") features.push(s.dataset.column);
  });
  document.querySelectorAll("#columns select.kind").forEach((s) => {
    if (features.includes(s.dataset.column) && s.value !== "ignored") kinds[s.dataset.column] = s.value;
  });
  return { target, features, kinds };
}

function showTaskReason(d) {
  App.detected = d.task;
  $("task-reason").textContent = `${T("m_detected")}: ${d.task === "classification" ? T("classification") : T("regression")} (${d.task_reason})`;
}

async function detectTask() {
  const { target } = roles();
  if (!target.length) { $("task-reason").textContent = T("m_no_target"); return; }
  try { showTaskReason(await api("/api/data/detect", { json: { table: App.table.id, target } })); say(""); }
  catch (e) { App.fail(e); }
}

// -- Train: training -------------------------------------------------------------------------------
function settings() {
  const { target, features, kinds } = roles();
  return {
    table: App.table && App.table.id, target, features, kinds, task: $("task").value,
    ratios: [$("r-train").value, $("r-val").value, $("r-test").value].map(Number),
    hidden: $("hidden").value, activation: $("activation").value,
    output_activation: $("output-activation").value, algorithm: $("algorithm").value,
    epochs: $("epochs").value, goal: $("goal").value, max_fail: $("max-fail").value,
    l2: $("l2").value, seed: $("seed").value, missing: $("missing").value,
  };
}

const curve = { epoch: [], loss: [], val: [], test: [], grad: [], mu: [] };
function resetCurves() { for (const k of Object.keys(curve)) curve[k] = []; }
function drawCurves() {
  BPChart.draw($("perf-chart"), [
    { label: T("train_loss"), color: "#2563eb", x: curve.epoch, y: curve.loss },
    { label: T("val_loss"), color: "#16a34a", x: curve.epoch, y: curve.val },
    { label: T("test_loss"), color: "#dc2626", x: curve.epoch, y: curve.test },
  ], { logY: true, title: T("train_loss") + " / " + T("val_loss") + " / " + T("test_loss"), xlabel: T("epoch") });
  BPChart.draw($("grad-chart"), [
    { label: T("gradient"), color: "#7c3aed", x: curve.epoch, y: curve.grad },
    { label: "μ", color: "#ea7a1a", x: curve.epoch, y: curve.mu, dash: [5, 3] },
  ], { logY: true, title: T("gradient") + ", μ", xlabel: T("epoch") });
}

function onEpochs(points) {
  for (const p of points) {
    curve.epoch.push(p.epoch); curve.loss.push(p.loss); curve.val.push(p.val); curve.test.push(p.test);
    curve.grad.push(p.grad); curve.mu.push(p.mu);
  }
  const p = points[points.length - 1];
  $("s-epoch").textContent = p.epoch;
  $("s-time").textContent = (p.time || 0).toFixed(1) + " s";
  $("s-loss").textContent = fmt(p.loss); $("s-val").textContent = fmt(p.val); $("s-test").textContent = fmt(p.test);
  $("s-grad").textContent = fmt(p.grad, 3); $("s-mu").textContent = fmt(p.mu, 3); $("s-fails").textContent = p.fails === null ? "—" : p.fails;
  drawCurves();
}

function follow(jobId, handlers) {
  const es = new EventSource(`/api/jobs/${jobId}/events`);
  for (const [kind, fn] of Object.entries(handlers)) {
    es.addEventListener(kind, (ev) => fn(JSON.parse(ev.data)));
  }
  es.addEventListener("end", () => { es.close(); if (handlers.end) handlers.end(); });
  es.onerror = () => { if (es.readyState === EventSource.CLOSED) return; es.close(); if (handlers.lost) handlers.lost(); };
  return es;
}
App.follow = follow;
App.uploadTable = uploadTable;

async function startTraining() {
  say("");
  if (!App.table) { say(T("m_no_data")); return; }
  const s = settings();
  if (!s.target.length) { say(T("m_no_target")); return; }
  let job;
  try { job = (await api("/api/train", { json: s })).job; } catch (e) { App.fail(e); return; }
  App.job = job;
  resetCurves();
  $("progress-card").hidden = false;
  $("train-status").textContent = T("m_training");
  $("train-btn").disabled = true; $("stop-btn").disabled = false;
  drawCurves();
  const finish = () => { $("train-btn").disabled = false; $("stop-btn").disabled = true; App.job = null; };
  follow(job, {
    epochs: onEpochs,
    done: async (d) => {
      $("train-status").textContent = T("m_done");
      App.training = d.run;
      try { showRun(await api("/api/runs/" + d.run)); await refreshRuns(d.run); } catch (e) { App.fail(e); }
    },
    failed: (d) => { $("train-status").textContent = ""; say(d.error); },
    end: finish,
    lost: () => { finish(); say(T("m_conn")); },
  });
}

async function stopTraining() {
  if (!App.job) return;
  $("stop-btn").disabled = true;
  $("train-status").textContent = T("m_stopping");
  try { await api(`/api/jobs/${App.job}/stop`, { method: "POST" }); } catch (e) { App.fail(e); }
}

// -- Train: results ---------------------------------------------------------------------------------
function finalCurves(c, r) {
  // the record's own series: the epoch that fired a stopping rule is not sent to callbacks
  const k = r.curves.epoch.map((e, i) => i).filter((i) => r.curves.epoch[i] > 0);
  for (const name of ["epoch", "loss", "val", "test", "grad", "mu"]) c[name] = k.map((i) => r.curves[name][i]);
  const i = k[k.length - 1];
  return i === undefined ? null : { epoch: r.curves.epoch[i], time: r.time, loss: r.curves.loss[i], val: r.curves.val[i],
    test: r.curves.test[i], grad: r.curves.grad[i], mu: r.curves.mu[i], fails: r.curves.fails[i] };
}
App.finalCurves = finalCurves;

function showRun(r) {
  App.lastRun = r;
  if (r.id === App.training) {
    const last = finalCurves(curve, r);
    if (last) { const n = curve.epoch.length; onEpochs([last]); for (const k of Object.keys(curve)) curve[k].length = n; drawCurves(); }
  }
  $("results-card").hidden = false;
  const why = r.stop_text ? ` — ${r.stop_text}` : "";
  $("stop-reason").innerHTML = "";
  $("stop-reason").append(el("b", { id: "stop-reason-text", text: `${T("m_stopped_after")}: ${r.stop_reason}` }),
    document.createTextNode(`${why} (${r.epochs} ${T("m_after")}, ${T("m_best_epoch")} ${r.best_epoch}; ${r.network} ${r.activations}, ${r.algorithm})`));
  $("diagnosis").textContent = r.diagnosis || "";
  const names = r.metric_names;
  fillTable($("metrics"), [T("m_set"), ...names], Object.entries(r.metrics).map(([split, m]) => [split, ...names.map((n) => fmt(m[n], n === "R" ? 6 : 4))]), [0]);
  const d = $("downloads");
  d.replaceChildren();
  const kinds = [["model", "m_model"], ["predictions", "m_preds"], ["report", "m_report"], ["python", "m_python"], ["c", "m_c"], ["onnx", "m_onnx"], ["script", "m_script"], ["command", "m_command"]];
  for (const [kind, label] of kinds) {
    d.append(el("a", { class: "button", href: `/api/runs/${r.id}/download/${kind}`, download: "", "data-kind": kind, text: T(label) }));
  }
  $("cli-command").textContent = r.command;
  $("py-script").textContent = r.script;
  fillTable($("pred-table"), r.predictions.columns, r.predictions.rows, [1]);
  const plots = $("plots");
  plots.replaceChildren();
  for (const p of r.plots) {
    plots.append(el("figure", {}, el("img", { src: `/api/runs/${r.id}/plot/${p.name}.png`, alt: p.caption, loading: "lazy" }), el("figcaption", { text: p.caption })));
  }
}

async function refreshRuns(latest) {
  const runs = (await api("/api/runs")).runs;
  App.runs = runs;
  $("runs-card").hidden = runs.length === 0;
  const table = $("runs");
  const metric = (r, split) => {
    const m = r.metrics[split]; if (!m) return "—";
    return r.task === "classification" ? fmt(m.accuracy) : fmt(m.MSE);
  };
  fillTable(table, ["", "#", T("m_network"), T("algorithm"), T("epochs"), T("m_stop_col"), "train", "validation", "test"],
    runs.map((r) => ["", r.number, `${r.network} ${r.activations}`, r.algorithm, r.epochs, r.stop_reason,
      metric(r, "train"), metric(r, "validation"), metric(r, "test")]), [2, 3, 5]);
  table.querySelectorAll("tbody tr").forEach((tr, i) => {
    const cb = el("input", { type: "checkbox", "data-run": runs[i].id });
    if (runs[i].id === latest || (App.compare || []).includes(runs[i].id)) cb.checked = true;
    cb.addEventListener("change", drawCompare);
    tr.firstChild.replaceChildren(cb);
  });
  drawCompare();
}

function drawCompare() {
  const ids = [...document.querySelectorAll("#runs input[type=checkbox]:checked")].map((c) => c.dataset.run);
  App.compare = ids;
  const box = $("compare");
  box.replaceChildren();
  if (ids.length < 2) return;
  for (const id of ids) {
    const r = App.runs.find((x) => x.id === id);
    const second = r.task === "classification" ? "confusion" : "regression";
    const col = el("div", {}, el("h3", { text: `#${r.number}: ${r.network} ${r.activations}, ${r.algorithm}` }));
    for (const name of ["performance", second]) {
      const p = r.plots.find((x) => x.name === name);
      if (p) col.append(el("figure", {}, el("img", { src: `/api/runs/${r.id}/plot/${name}.png`, alt: p.caption }), el("figcaption", { text: p.caption })));
    }
    box.append(col);
  }
}

// -- Predict ---------------------------------------------------------------------------------------
App.predict = { model: null, table: null };
async function uploadModel(file) {
  say("");
  if (!file) return;
  $("model-summary").textContent = "";
  App.predict.model = null;
  try {
    const m = await api("/api/predict/model?name=" + encodeURIComponent(file.name), { method: "POST", body: file });
    App.predict.model = m;
    const what = m.kind === "classifier" ? `${T("m_classes")}: ${m.classes.join(", ")}` : "";
    $("model-summary").textContent = `${m.name}: ${m.kind}, ${T("m_network")} ${m.network}; ${T("m_inputs")}: ${m.inputs ? m.inputs.join(", ") : m.n_inputs} ${what}`;
  } catch (e) { App.fail(e); }
}

async function runPredict() {
  say("");
  if (!App.predict.model) { say(T("m_need_model")); return; }
  if (!App.predict.table) { say(T("m_need_data")); return; }
  try {
    const p = await api("/api/predict", { json: { model: App.predict.model.id, table: App.predict.table.id, missing: $("predict-missing").value } });
    $("predict-results").hidden = false;
    $("predict-info").textContent = `${p.model} → ${p.table}: ${p.rows_total} ${T("m_rows")} (${p.rows.length} ${T("m_shown")})`;
    fillTable($("predict-table"), p.columns, p.rows);
    $("predict-download").href = `/api/predictions/${p.id}.csv`;
  } catch (e) { App.fail(e); }
}

// -- start -----------------------------------------------------------------------------------------
async function init() {
  window.BPI18N.apply(window.BPI18N.initial());
  $("lang").addEventListener("click", () => {
    window.BPI18N.apply(window.BPI18N.lang === "zh" ? "en" : "zh");
    const q = new URLSearchParams(location.search); q.set("lang", window.BPI18N.lang);
    history.replaceState(null, "", "?" + q.toString());
    if (App.table) showTable(App.table);
    drawCurves();
    tsStatus();
  });
  document.querySelectorAll("#tabs button").forEach((b) => b.addEventListener("click", () => showTab(b.dataset.tab)));
  window.addEventListener("popstate", () => showTab(new URLSearchParams(location.search).get("tab") || "train", true));
  try { App.meta = await api("/api/meta"); } catch (e) { App.fail(e); return; }
  const m = App.meta;
  $("version").textContent = "bpnn " + m.version;
  $("builtin").replaceChildren(...m.datasets.map((n) => el("option", { value: n, text: n })));
  $("activation").replaceChildren(...m.activations.map((n) => el("option", { value: n, text: n })));
  $("output-activation").replaceChildren(...m.output_activations.map((n) => el("option", { value: n, text: n })));
  $("algorithm").replaceChildren(el("option", { value: "auto", "data-i18n": "alg_auto", text: T("alg_auto") }),
    ...m.algorithms.map((a) => el("option", { value: a.name, text: a.matlab ? `${a.matlab} (${a.name})` : a.name })));
  $("algorithm").value = "auto";
  $("train-file").addEventListener("change", (e) => uploadTable(e.target.files[0], showTable));
  $("builtin-load").addEventListener("click", async () => {
    say("");
    try { showTable(await api("/api/data/builtin", { json: { name: $("builtin").value } })); } catch (e) { App.fail(e); }
  });
  $("task").addEventListener("change", () => { if ($("task").value === "auto" && App.table) detectTask(); });
  $("train-btn").addEventListener("click", startTraining);
  $("stop-btn").addEventListener("click", stopTraining);
  $("model-file").addEventListener("change", (e) => uploadModel(e.target.files[0]));
  $("predict-file").addEventListener("change", (e) => uploadTable(e.target.files[0], (t) => {
    App.predict.table = t;
    $("predict-data-summary").textContent = `${t.name}: ${t.rows} ${T("m_rows")}, ${t.n_columns} ${T("m_cols")}`;
  }));
  $("predict-btn").addEventListener("click", runPredict);
  tsStatus();
  showTab(new URLSearchParams(location.search).get("tab") || "train", true);
  document.body.dataset.ready = "1";
}

function tsStatus() {
  if (!App.meta) return;
  $("ts-status").textContent = App.meta.timeseries ? T("m_ts_present") : T("m_ts_missing");
  $("ts-body").hidden = !App.meta.timeseries;
}

document.addEventListener("DOMContentLoaded", init);
