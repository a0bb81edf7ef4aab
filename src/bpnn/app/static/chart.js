/* Small line charts on a canvas: no library, no network. */
"use strict";
window.BPChart = (function () {
  function fmt(v) {
    if (!isFinite(v)) return "";
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e4)) return v.toExponential(0);
    return String(+v.toPrecision(3));
  }
  // series: [{label, color, x: [...], y: [...], dash}] or a band {label, color, fill, x, lo, hi}
  // (shaded between lo and hi), opts: {logY, title, xlabel}
  function values(s) { return s.lo ? [...s.lo, ...s.hi] : s.y; }
  function xs(s) { return s.lo ? [...s.x, ...s.x] : s.x; }
  function draw(canvas, series, opts) {
    opts = opts || {};
    const ctx = canvas.getContext("2d");
    const W = canvas.width, H = canvas.height;
    const L = 58, R = 12, T = opts.title ? 26 : 12, B = 34;
    ctx.clearRect(0, 0, W, H);
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
    const tf = opts.logY ? (v) => Math.log10(v) : (v) => v;
    let xmin = Infinity, xmax = -Infinity, ymin = Infinity, ymax = -Infinity;
    for (const s of series) {
      const sx = xs(s), sy = values(s);
      for (let i = 0; i < sx.length; i++) {
        const y = sy[i];
        if (y === null || y === undefined || !isFinite(y) || (opts.logY && y <= 0)) continue;
        const ty = tf(y);
        xmin = Math.min(xmin, sx[i]); xmax = Math.max(xmax, sx[i]);
        ymin = Math.min(ymin, ty); ymax = Math.max(ymax, ty);
      }
    }
    ctx.fillStyle = "#1f2430"; ctx.font = "13px system-ui, sans-serif";
    if (opts.title) ctx.fillText(opts.title, L, 17);
    ctx.strokeStyle = "#c5ccd8"; ctx.strokeRect(L, T, W - L - R, H - T - B);
    if (!isFinite(xmin)) return 0;
    if (xmax === xmin) xmax = xmin + 1;
    if (ymax - ymin < 1e-12) { ymin -= 0.5; ymax += 0.5; }
    const pad = (ymax - ymin) * 0.05; ymin -= pad; ymax += pad;
    const px = (x) => L + (x - xmin) / (xmax - xmin) * (W - L - R);
    const py = (ty) => T + (1 - (ty - ymin) / (ymax - ymin)) * (H - T - B);
    ctx.font = "11px system-ui, sans-serif"; ctx.fillStyle = "#667085";
    ctx.strokeStyle = "#eef1f5";
    for (let k = 0; k <= 4; k++) {
      const ty = ymin + (ymax - ymin) * k / 4, y = py(ty);
      ctx.beginPath(); ctx.moveTo(L, y); ctx.lineTo(W - R, y); ctx.stroke();
      ctx.fillText(fmt(opts.logY ? Math.pow(10, ty) : ty), 4, y + 4);
    }
    for (let k = 0; k <= 4; k++) {
      const x = xmin + (xmax - xmin) * k / 4;
      ctx.fillText(String(Math.round(x)), px(x) - 8, H - B + 15);
    }
    if (opts.xlabel) ctx.fillText(opts.xlabel, W / 2 - 20, H - 4);
    let drawn = 0, lx = L + 8;
    for (const s of series) {
      if (s.lo) { lx = drawBand(ctx, s, px, py, tf, lx, T); continue; }
      ctx.strokeStyle = s.color; ctx.lineWidth = 2; ctx.setLineDash(s.dash || []);
      ctx.beginPath(); let open = false;
      for (let i = 0; i < s.x.length; i++) {
        const y = s.y[i];
        if (y === null || y === undefined || !isFinite(y) || (opts.logY && y <= 0)) { open = false; continue; }
        const X = px(s.x[i]), Y = py(tf(y));
        if (open) ctx.lineTo(X, Y); else { ctx.moveTo(X, Y); open = true; }
        drawn++;
      }
      ctx.stroke(); ctx.setLineDash([]);
      if (s.y.some((v) => v !== null && isFinite(v))) {
        ctx.fillStyle = s.color; ctx.fillRect(lx, T + 7, 14, 3);
        ctx.fillStyle = "#1f2430"; ctx.fillText(s.label, lx + 18, T + 12);
        lx += ctx.measureText(s.label).width + 34;
      }
    }
    canvas.dataset.points = String(drawn);
    return drawn;
  }
  // a shaded band between lo and hi (points where either is missing are left out); returns
  // where the next legend entry starts
  function drawBand(ctx, s, px, py, tf, lx, T) {
    const ok = s.x.map((_, i) => i).filter((i) => isFinite(s.lo[i]) && isFinite(s.hi[i]));
    if (!ok.length) return lx;
    ctx.fillStyle = s.fill; ctx.beginPath();
    ok.forEach((i, j) => { const X = px(s.x[i]), Y = py(tf(s.hi[i])); if (j) ctx.lineTo(X, Y); else ctx.moveTo(X, Y); });
    ok.slice().reverse().forEach((i) => ctx.lineTo(px(s.x[i]), py(tf(s.lo[i]))));
    ctx.closePath(); ctx.fill();
    ctx.canvas.dataset.band = String(ok.length);
    ctx.fillRect(lx, T + 4, 14, 9);
    ctx.fillStyle = "#1f2430"; ctx.fillText(s.label, lx + 18, T + 12);
    return lx + ctx.measureText(s.label).width + 34;
  }
  return { draw: draw, fmt: fmt };
})();
