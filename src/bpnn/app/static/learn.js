/* bpnn app: the Learn page (the worked example, step by step) and the playground. */
"use strict";
(function () {
  const T = (k) => window.BPI18N.t(k);
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";
  function s(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // == (a) the worked example ===============================================================
  const STEPS = ["s_forward", "s_error", "s_delta", "s_grad", "s_update"];
  const L = { step: 0, data: null };
  const POS = {
    i1: [80, 140], i2: [80, 290], h1: [360, 85], h2: [360, 215], h3: [360, 345],
    o1: [630, 140], o2: [630, 290],
  };
  const num = (x) => `<span class="num">${x.text}</span>`;

  async function loadWorked() {
    const lr = Number($("learn-lr").value) || 0.5;
    try {
      L.data = await App.api("/api/learn/worked?lr=" + encodeURIComponent(lr));
      App.say("");
    } catch (e) { App.fail(e); return; }
    $("explain-text").textContent = L.data.text;
    drawStep();
  }

  function unit(name) { return L.data.units.find((u) => u.name === name); }

  function drawDiagram(step) {
    const svg = $("learn-svg");
    svg.replaceChildren();
    const d = L.data;
    const defs = s("defs");
    svg.append(defs);
    for (const w of d.weights) {
      const from = w.layer === 0 ? `i${w.from + 1}` : `h${w.from + 1}`;
      const to = w.layer === 0 ? `h${w.to + 1}` : `o${w.to + 1}`;
      const [x1, y1] = POS[from], [x2, y2] = POS[to];
      const active = (step === 0) || (step >= 3);
      svg.append(s("line", { x1, y1, x2, y2, stroke: active ? "#94a3b8" : "#d5dbe4", "stroke-width": 1.4 }));
      // where the label sits on its edge: near the inputs on the first layer, near the
      // outputs on the second (there the six edges are 27+ px apart, clear of their crossings)
      const t = w.layer === 0 ? 0.28 : 0.70;
      const lx = x1 + (x2 - x1) * t, ly = y1 + (y2 - y1) * t;
      let label = `${w.name}=${w.value}`;
      let cls = "";
      if (step === 3) { label = `∂${w.name}=${w.grad.text}`; cls = "num"; }
      if (step === 4) { label = `${w.name}⁺=${w.new.text}`; cls = "num"; }
      const size = step >= 3 ? 10 : 11;
      const half = (label.length * size * 0.62) / 2 + 2;   // a backdrop as wide as the text
      const g = s("g");
      const text = s("text", { x: lx, y: ly - 3, "font-size": size, "text-anchor": "middle", fill: step >= 3 ? "#1d4ed8" : "#475569", class: cls }, label);
      g.append(s("rect", { x: lx - half, y: ly - 14, width: 2 * half, height: 14, fill: "#fcfdff", opacity: 0.85 }), text);
      svg.append(g);
    }
    const inputs = { i1: d.inputs[0], i2: d.inputs[1] };
    for (const [name, [x, y]] of Object.entries(POS)) {
      const layer = name[0];
      const fill = layer === "i" ? "#e0f2fe" : layer === "h" ? "#ede9fe" : "#dcfce7";
      svg.append(s("circle", { cx: x, cy: y, r: 27, fill, stroke: "#475569", "stroke-width": 1.5 }));
      svg.append(s("text", { x, y: y + 5, "text-anchor": "middle", "font-size": 15, "font-weight": 700 }, name));
      if (layer === "i") {
        svg.append(s("text", { x: x - 36, y: y + 5, "text-anchor": "end", "font-size": 13 }, String(inputs[name])));
        continue;
      }
      const u = unit(name);
      const lines = [];
      if (step === 0) lines.push([`net=${u.net.text}`, true], [`out=${u.out.text}`, true]);
      if (step === 1 && layer === "o") lines.push([`out=${u.out.text}`, true]);
      if (step === 2) lines.push([`δ=${u.delta.text}`, true]);
      if (step === 3) lines.push([`∂b=${u.bias_grad.text}`, true]);
      if (step === 4) lines.push([`b⁺=${u.bias_new.text}`, true]);
      // below a hidden unit; right of an output unit, under its target, clear of the edges
      const right = layer === "o";
      lines.forEach(([text, isNum], k) => {
        svg.append(s("text", { x: right ? x + 36 : x, y: right ? y + 23 + 14 * k : y + 44 + 14 * k, "text-anchor": right ? "start" : "middle", "font-size": 11, fill: "#1d4ed8", class: isNum ? "num" : "" }, text));
      });
      if (layer === "o") {
        const tgt = d.targets[name === "o1" ? 0 : 1];
        svg.append(s("text", { x: x + 36, y: y + 5, "font-size": 12, fill: "#334155" }, `target ${tgt}`));
      }
    }
    svg.append(s("text", { x: 360, y: 420, "text-anchor": "middle", "font-size": 12, fill: "#475569" }, "b1 = 0.35 (hidden), b2 = 0.65 (output)"));
    if (step === 1) {
      svg.append(s("text", { x: 630, y: 40, "text-anchor": "middle", "font-size": 14, fill: "#b42318", class: "num" }, `E_total = ${d.E.text}`));
    }
  }

  function panel(step) {
    const d = L.data, p = [];
    const h = ["h1", "h2", "h3"], o = ["o1", "o2"];
    const w = (n) => d.weights.find((x) => x.name === n);
    p.push(`<h3>${STEPS.indexOf(STEPS[step]) + 1}. ${T(STEPS[step])}</h3>`);
    if (step === 0) {
      p.push(`<p class="f">z(k) = W(k)·n(k−1) + b(k), n(k) = f(z(k)), f = logsig</p>`);
      h.forEach((n, i) => {
        const a = w(`w${2 * i + 1}`), b = w(`w${2 * i + 2}`);
        p.push(`<div class="f">${n} = ${a.name}·i1 + ${b.name}·i2 + b1 = ${num(unit(n).net)}</div>`);
        p.push(`<div class="f">out_${n} = logsig(${n}) = ${num(unit(n).out)}</div>`);
      });
      o.forEach((n, i) => {
        const ws = [0, 1, 2].map((j) => `w${7 + 2 * j + i}·out_h${j + 1}`).join(" + ");
        p.push(`<div class="f">net_${n} = ${ws} + b2 = ${num(unit(n).net)}</div>`);
        p.push(`<div class="f">out_${n} = logsig(net_${n}) = ${num(unit(n).out)}</div>`);
      });
    } else if (step === 1) {
      p.push(`<div class="f">E_total = ½(${d.targets[0]} − out_o1)² + ½(${d.targets[1]} − out_o2)² = ${num(d.E)}</div>`);
    } else if (step === 2) {
      p.push(`<p class="f">δ(K) = f′(z(K)) ⊙ ∂E/∂n(K); δ(k) = f′(z(k)) ⊙ (W(k+1)ᵀ δ(k+1))</p>`);
      o.forEach((n) => p.push(`<div class="f">δ${n} = (out_${n} − target_${n})·out_${n}·(1 − out_${n}) = ${num(unit(n).delta)}</div>`));
      h.forEach((n, i) => p.push(`<div class="f">δ${n} = (w${7 + 2 * i}·δo1 + w${8 + 2 * i}·δo2)·out_${n}·(1 − out_${n}) = ${num(unit(n).delta)}</div>`));
    } else if (step === 3) {
      p.push(`<p class="f">∂E/∂w = δ(to) · out(from); ∂E/∂b = δ</p>`);
      for (const x of d.weights) {
        const to = x.layer === 0 ? `h${x.to + 1}` : `o${x.to + 1}`;
        const from = x.layer === 0 ? `i${x.from + 1}` : `out_h${x.from + 1}`;
        p.push(`<div class="f">∂E/∂${x.name} = δ${to} · ${from} = ${num(x.grad)}</div>`);
      }
      [...h, ...o].forEach((n) => p.push(`<div class="f">∂E/∂b(${n}) = δ${n} = ${num(unit(n).bias_grad)}</div>`));
    } else {
      p.push(`<p class="f">w ← w − η·∂E/∂w, b ← b − η·∂E/∂b, η = ${d.lr}</p>`);
      for (const x of d.weights) p.push(`<div class="f">${x.name}⁺ = ${x.value} − ${d.lr}·∂E/∂${x.name} = ${num(x.new)}</div>`);
      [...h, ...o].forEach((n) => p.push(`<div class="f">b(${n})⁺ = ${unit(n).bias} − ${d.lr}·∂E/∂b(${n}) = ${num(unit(n).bias_new)}</div>`));
      p.push(`<p class="hint">bpnn gives every unit its own bias; the tutorial shares one per layer (its gradient is the sum of these).</p>`);
    }
    $("learn-panel").innerHTML = p.join("");
  }

  function drawStep() {
    if (!L.data) return;
    drawDiagram(L.step);
    panel(L.step);
    document.querySelectorAll("#step-buttons button").forEach((b, i) => b.classList.toggle("active", i === L.step));
    $("step-prev").disabled = L.step === 0;
    $("step-next").disabled = L.step === STEPS.length - 1;
  }

  function stepButtons() {
    $("step-buttons").replaceChildren(...STEPS.map((k, i) => App.el("button", { "data-step": i, text: `${i + 1}. ${T(k)}`, onclick: () => { L.step = i; drawStep(); } })));
    drawStep();
  }

  // == (b) the playground ===================================================================
  const P = { job: null, points: null, layers: [4, 4], losses: { epoch: [], loss: [], test: [] }, snap: null };
  const FIELDS = ["data", "noise", "train", "n", "activation", "algorithm", "lr", "epochs"];

  function pgSettings() {
    return {
      data: $("pg-data").value, noise: Number($("pg-noise").value), train: Number($("pg-train").value),
      n: Number($("pg-n").value), activation: $("pg-activation").value, algorithm: $("pg-algorithm").value,
      lr: Number($("pg-lr").value), epochs: Number($("pg-epochs").value), layers: P.layers.slice(), seed: 1,
    };
  }

  function saveURL() {
    const q = new URLSearchParams(location.search);
    if (q.get("tab") !== "playground") return;
    const st = pgSettings();
    for (const k of FIELDS) q.set("pg_" + k, st[k]);
    q.set("pg_layers", P.layers.join(",") || "none");
    history.replaceState(null, "", "?" + q.toString());
  }

  function readURL() {
    const q = new URLSearchParams(location.search);
    const ids = { data: "pg-data", noise: "pg-noise", train: "pg-train", n: "pg-n", activation: "pg-activation", algorithm: "pg-algorithm", lr: "pg-lr", epochs: "pg-epochs" };
    for (const [k, id] of Object.entries(ids)) {
      const v = q.get("pg_" + k);
      if (v !== null) {
        const e = $(id);
        if (e.tagName === "SELECT" && ![...e.options].some((o) => o.value === v)) continue;
        e.value = v;
      }
    }
    const l = q.get("pg_layers");
    if (l !== null) P.layers = l === "none" ? [] : l.split(",").map(Number).filter((x) => x >= 1 && x <= 8).slice(0, 6);
  }

  function layerInputs() {
    $("pg-layers").replaceChildren(...P.layers.map((u, i) => {
      const inp = App.el("input", { type: "number", min: 1, max: 8, value: u, title: `layer ${i + 1}` });
      inp.addEventListener("change", () => { P.layers[i] = Math.max(1, Math.min(8, Number(inp.value) || 1)); inp.value = P.layers[i]; changed(); });
      return inp;
    }));
  }

  function changed() {
    $("pg-noise-v").textContent = $("pg-noise").value;
    $("pg-train-v").textContent = $("pg-train").value;
    saveURL();
    drawNet(null);
  }

  async function loadPoints() {
    const st = pgSettings();
    const q = new URLSearchParams({ data: st.data, n: st.n, noise: st.noise, train: st.train, seed: st.seed });
    try { P.points = await App.api("/api/playground/points?" + q.toString()); App.say(""); } catch (e) { App.fail(e); return; }
    P.snap = null;
    drawBoundary();
  }

  function drawNet(weights) {
    const svg = $("pg-net");
    svg.replaceChildren();
    const sizes = [2, ...P.layers, 1];
    const W = 420, H = 320;
    const xs = sizes.map((_, k) => 40 + k * (W - 80) / Math.max(1, sizes.length - 1));
    const ys = sizes.map((n) => Array.from({ length: n }, (_, i) => H / 2 + (i - (n - 1) / 2) * Math.min(52, (H - 50) / Math.max(1, n))));
    let maxw = 1e-9;
    if (weights) for (const l of weights) for (const row of l.W) for (const v of row) maxw = Math.max(maxw, Math.abs(v));
    for (let k = 0; k < sizes.length - 1; k++) {
      for (let i = 0; i < sizes[k + 1]; i++) {
        for (let j = 0; j < sizes[k]; j++) {
          const w = weights && weights[k] ? weights[k].W[i][j] : null;
          const width = w === null ? 0.8 : 0.4 + 6 * Math.abs(w) / maxw;
          const color = w === null ? "#cbd5e1" : (w >= 0 ? "#2563eb" : "#ea7a1a");
          const line = s("line", { x1: xs[k], y1: ys[k][j], x2: xs[k + 1], y2: ys[k + 1][i], stroke: color, "stroke-width": width.toFixed(2), opacity: 0.85, class: "edge" });
          if (w !== null) line.append(s("title", {}, `w = ${w.toFixed(4)}`));
          svg.append(line);
        }
      }
    }
    sizes.forEach((n, k) => ys[k].forEach((y, i) => {
      svg.append(s("circle", { cx: xs[k], cy: y, r: 11, fill: k === 0 ? "#e0f2fe" : k === sizes.length - 1 ? "#dcfce7" : "#ede9fe", stroke: "#475569" }));
      const lab = k === 0 ? `x${i + 1}` : k === sizes.length - 1 ? "y" : "";
      if (lab) svg.append(s("text", { x: xs[k], y: y + 4, "text-anchor": "middle", "font-size": 10 }, lab));
    }));
  }

  function drawBoundary() {
    const c = $("pg-boundary"), ctx = c.getContext("2d");
    const W = c.width, H = c.height;
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
    const pts = P.points;
    if (!pts) return;
    const E = pts.extent, G = pts.grid;
    if (P.snap) {
      const cell = W / G;
      for (let r = 0; r < G; r++) for (let q = 0; q < G; q++) {
        const v = P.snap.boundary[r * G + q];
        const a = Math.min(1, Math.abs(v - 0.5) * 2);
        const base = v >= 0.5 ? [37, 99, 235] : [234, 122, 26];
        const col = base.map((b) => Math.round(255 - (255 - b) * a * 0.55));
        ctx.fillStyle = `rgb(${col.join(",")})`;
        ctx.fillRect(q * cell, r * cell, cell + 1, cell + 1);
      }
    }
    const px = (x) => (x + E) / (2 * E) * W, py = (y) => (1 - (y + E) / (2 * E)) * H;
    const test = new Set(pts.test);
    pts.X.forEach((p, i) => {
      ctx.beginPath(); ctx.arc(px(p[0]), py(p[1]), 3.6, 0, 2 * Math.PI);
      const col = pts.y[i] > 0.5 ? "#1d4ed8" : "#c2410c";
      if (test.has(i)) { ctx.strokeStyle = col; ctx.lineWidth = 1.6; ctx.fillStyle = "#fff"; ctx.fill(); ctx.stroke(); }
      else { ctx.fillStyle = col; ctx.fill(); ctx.strokeStyle = "#fff"; ctx.lineWidth = 1; ctx.stroke(); }
    });
    c.dataset.snapshots = String((Number(c.dataset.snapshots) || 0) + (P.snap ? 1 : 0));
  }

  function drawLoss() {
    BPChart.draw($("pg-loss"), [
      { label: T("train_loss"), color: "#2563eb", x: P.losses.epoch, y: P.losses.loss },
      { label: T("test_loss"), color: "#dc2626", x: P.losses.epoch, y: P.losses.test },
    ], { logY: true, xlabel: T("epoch") });
  }

  function pgStatus() {
    const p = P.last, parts = [];
    if (p) parts.push(`${T("epoch")} ${p.epoch}`, `${T("train_loss")} ${App.fmt(p.loss)}`, `${T("test_loss")} ${App.fmt(p.test)}`);
    if (P.snap) parts.push(`${T("m_acc_train")} ${App.fmt(P.snap.acc_train, 3)}`, `${T("m_acc_test")} ${App.fmt(P.snap.acc_test, 3)}`);
    if (P.stop) parts.push(P.stop);
    $("pg-status").textContent = parts.join(" · ");
  }

  async function pgTrain() {
    App.say("");
    let job;
    try { job = (await App.api("/api/playground", { json: pgSettings() })).job; } catch (e) { App.fail(e); return; }
    P.job = job;
    P.losses = { epoch: [], loss: [], test: [] };
    P.last = null; P.stop = null; P.snap = null;
    delete $("pg-status").dataset.stop;
    $("pg-train-btn").disabled = true; $("pg-stop-btn").disabled = false;
    const finish = () => { $("pg-train-btn").disabled = false; $("pg-stop-btn").disabled = true; P.job = null; };
    App.follow(job, {
      points: (d) => { P.points = d; },
      epochs: (pts) => {
        for (const p of pts) { P.losses.epoch.push(p.epoch); P.losses.loss.push(p.loss); P.losses.test.push(p.test); }
        drawLoss();
        P.last = pts[pts.length - 1];
        pgStatus();
      },
      snapshot: (d) => { P.snap = d; drawBoundary(); drawNet(d.weights); pgStatus(); },
      done: (d) => { P.stop = d.stop_reason; pgStatus(); $("pg-status").dataset.stop = d.stop_reason; },
      failed: (d) => App.say(d.error),
      end: finish,
      lost: () => { finish(); App.say(T("m_conn")); },
    });
  }

  async function pgStop() {
    if (!P.job) return;
    $("pg-stop-btn").disabled = true;
    try { await App.api(`/api/jobs/${P.job}/stop`, { method: "POST" }); } catch (e) { App.fail(e); }
  }

  let pgReady = false;
  function initPlayground() {
    if (pgReady || !App.meta) return;
    pgReady = true;
    const m = App.meta.playground;
    $("pg-data").replaceChildren(...m.sets.map((n) => App.el("option", { value: n, text: n })));
    $("pg-activation").replaceChildren(...m.activations.map((n) => App.el("option", { value: n, text: n })));
    const mat = Object.fromEntries(App.meta.algorithms.map((a) => [a.name, a.matlab]));
    $("pg-algorithm").replaceChildren(...m.algorithms.map((n) => App.el("option", { value: n, text: mat[n] ? `${mat[n]} (${n})` : n })));
    $("pg-algorithm").value = "rprop";
    readURL();
    layerInputs();
    for (const id of ["pg-noise", "pg-train", "pg-n", "pg-data"]) $(id).addEventListener("change", () => { changed(); loadPoints(); });
    for (const id of ["pg-noise", "pg-train"]) $(id).addEventListener("input", () => { $(id + "-v").textContent = $(id).value; });
    for (const id of ["pg-activation", "pg-algorithm", "pg-lr", "pg-epochs"]) $(id).addEventListener("change", changed);
    $("pg-add").addEventListener("click", () => { if (P.layers.length < 6) { P.layers.push(4); layerInputs(); changed(); } });
    $("pg-remove").addEventListener("click", () => { if (P.layers.length) { P.layers.pop(); layerInputs(); changed(); } });
    $("pg-train-btn").addEventListener("click", pgTrain);
    $("pg-stop-btn").addEventListener("click", pgStop);
    changed();
    drawLoss();
    loadPoints();
  }

  document.addEventListener("bpnn-tab", (ev) => {
    if (ev.detail === "learn" && !L.data) { stepButtons(); loadWorked(); }
    if (ev.detail === "playground") { initPlayground(); saveURL(); }
  });
  document.addEventListener("bpnn-lang", () => { if (L.data) stepButtons(); if (pgReady) drawLoss(); });
  document.addEventListener("DOMContentLoaded", () => {
    $("step-prev").addEventListener("click", () => { if (L.step > 0) { L.step--; drawStep(); } });
    $("step-next").addEventListener("click", () => { if (L.step < STEPS.length - 1) { L.step++; drawStep(); } });
    $("learn-lr").addEventListener("change", loadWorked);
  });
})();
