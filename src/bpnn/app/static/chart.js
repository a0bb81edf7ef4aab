/* Small line charts on a canvas: no library, no network. */
"use strict";
window.BPChart = (function () {
  function fmt(v) {
    if (!isFinite(v)) return "";
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e4)) return v.toExponential(0);
    return String(+v.toPrecision(3));
  }
  // series: [{label, color, x: [...], y: [...], dash}], opts: {logY, title, xlabel}
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
      for (let i = 0; i < s.x.length; i++) {
        const y = s.y[i];
        if (y === null || y === undefined || !isFinite(y) || (opts.logY && y <= 0)) continue;
        const ty = tf(y);
        xmin = Math.min(xmin, s.x[i]); xmax = Math.max(xmax, s.x[i]);
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
  return { draw: draw, fmt: fmt };
})();
