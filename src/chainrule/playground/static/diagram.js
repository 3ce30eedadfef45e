// The playground page: the network diagram and the cost curve (inline SVG).
// Loaded before app.js, whose state (state, row, currentStep, fmt, edit) it draws;
// it lays out the values of the server's Explanation and computes none.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const DIAGRAM_DIGITS = 4;  // the diagram is small: 4 significant digits

function svg(tag, attrs = {}, text = null) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== null) e.textContent = text;
  return e;
}

// ------------------------------------------------------------- the diagram
// Parts of the diagram a symbol stands for: L{k} units of layer k, E{l} the
// weights W{l}, B{l} the bias weights b{l}, "y" the targets, "J" the cost.
function parts(symbol) {
  const L = state.settings.sizes.length - 1;
  const s = symbol.replace(/'$/, "");
  if (s === "X") return ["L1"];
  if (s === "y") return ["y", `L${L + 1}`];
  if (s === "J") return ["J"];
  if (s === "yHat" || s === "dJdyHat") return [`L${L + 1}`];
  let m = s.match(/^(?:dJd)?W(\d+)$/);
  if (m) return [`E${m[1]}`];
  m = s.match(/^(?:dJd)?b(\d+)$/);
  if (m) return [`B${m[1]}`];
  m = s.match(/^(?:z|a|delta|fprime|dJda)(\d+)$/);
  return m ? [`L${m[1]}`] : [];
}
function phaseView() {  // which values the diagram shows
  const s = currentStep();
  const phase = s ? s.phase : "forward";
  const prime = phase === "forward_again" ? "'" : "";
  return { phase, prime, backward: phase === "backward", update: phase === "update" };
}
function valueAt(symbol, i, j) {
  const s = stepOf(symbol);
  return s ? cell(s.value, i, j) : null;
}
function label(g, symbol, i, j, x, y, editable, computed) {
  const v = valueAt(symbol, i, j);
  if (v === null) return;
  const t = svg("text", {
    x, y, class: `val${computed ? " computed" : ""}${editable ? " editable" : ""}`,
    "data-symbol": symbol, "data-value": String(v), "text-anchor": "middle",
  });
  const s = stepOf(symbol);
  if (Array.isArray(s.value)) t.setAttribute("data-index", `${i},${j}`);
  t.textContent = fmt(v, DIAGRAM_DIGITS);
  if (editable) {
    t.setAttribute("tabindex", "0");
    t.setAttribute("role", "button");
    t.setAttribute("aria-label", `change ${symbol}[${i},${j}], now ${fmt(v)}`);
    const open = () => edit(t, symbol.replace(/'$/, ""), [i, j], v);
    t.addEventListener("click", open);
    t.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(); }
    });
  }
  g.append(t);
}
function layout() {
  const sizes = state.settings.sizes;
  const bias = state.settings.bias;
  const rows = Math.max(...sizes.map((n, k) => n + (bias[k] ? 1 : 0)));
  const W = 170 * (sizes.length - 1) + 230, H = Math.max(170, 78 * rows + 50);
  const pos = sizes.map((n, k) => Array.from({ length: n }, (_, j) => [
    70 + 170 * k, 45 + 78 * j]));
  const biasPos = sizes.slice(0, -1).map((n, k) => [70 + 170 * k, 45 + 78 * n]);
  return { sizes, bias, W, H, pos, biasPos };
}
function renderDiagram() {
  const d = $("diagram");
  d.textContent = "";
  if (!state) return;
  const lay = layout();
  d.setAttribute("viewBox", `0 0 ${lay.W} ${lay.H}`);
  const view = phaseView();
  const hl = new Set();
  const s = currentStep();
  if (s) [s.symbol, ...s.uses].forEach((u) => parts(u).forEach((p) => hl.add(p)));
  const L = lay.sizes.length - 1;
  const Wsym = (l) => (view.backward ? `dJdW${l}` : view.update || view.prime ? `W${l}'` : `W${l}`);
  const bsym = (l) => (view.backward ? `dJdb${l}` : view.update || view.prime ? `b${l}'` : `b${l}`);
  for (let l = 1; l <= L; l++) {  // edges first, below the nodes
    const g = svg("g", { class: `edge${hl.has(`E${l}`) ? " hl" : ""}`, "data-part": `E${l}` });
    const gb = svg("g", { class: `edge bias${hl.has(`B${l}`) ? " hl" : ""}`, "data-part": `B${l}` });
    lay.pos[l - 1].forEach(([x1, y1], i) => lay.pos[l].forEach(([x2, y2], j) => {
      g.append(svg("line", { x1, y1, x2, y2 }));
      const f = lay.sizes[l] > 1 ? 0.3 + (0.4 * j) / (lay.sizes[l] - 1) : 0.45;
      label(g, Wsym(l), i, j, x1 + f * (x2 - x1), y1 + f * (y2 - y1) - 3,
        !view.backward && !view.update && !view.prime, view.backward);
    }));
    if (lay.bias[l - 1]) {
      const [bx, by] = lay.biasPos[l - 1];
      lay.pos[l].forEach(([x2, y2], j) => {
        gb.append(svg("line", { x1: bx, y1: by, x2, y2 }));
        label(gb, bsym(l), 0, j, bx + 0.55 * (x2 - bx), by + 0.55 * (y2 - by) + 12,
          !view.backward && !view.update && !view.prime, view.backward);
      });
    }
    d.append(g, gb);
  }
  lay.sizes.forEach((n, k) => {
    const layer = k + 1;
    const g = svg("g", { class: `node${hl.has(`L${layer}`) ? " hl" : ""}`, "data-part": `L${layer}` });
    lay.pos[k].forEach(([x, y], j) => {
      g.append(svg("circle", { cx: x, cy: y, r: 26 }));
      nodeValues(g, layer, j, x, y, view, L);
    });
    d.append(g);
    if (k < L && lay.bias[k]) {
      const [bx, by] = lay.biasPos[k];
      const gb = svg("g", { class: "node bias" });
      gb.append(svg("circle", { cx: bx, cy: by, r: 14 }), svg("text", {
        x: bx, y: by + 4, "text-anchor": "middle", class: "lbl" }, "1"));
      d.append(gb);
    }
  });
  outputExtras(d, lay, view, hl);
}
function nodeValues(g, layer, j, x, y, view, L) {
  const p = view.prime;
  if (layer === 1) {
    g.append(svg("text", { x, y: y - 8, "text-anchor": "middle", class: "lbl" }, `x${j + 1}`));
    label(g, "X", row, j, x, y + 8, true, false);
    return;
  }
  const a = layer === L + 1 ? "yHat" : `a${layer}`;
  if (view.backward) {
    g.append(svg("text", { x, y: y - 8, "text-anchor": "middle", class: "lbl" }, "δ"));
    label(g, `delta${layer}`, row, j, x, y + 8, false, true);
    return;
  }
  g.append(svg("text", { x: x - 36, y: y - 2, "text-anchor": "end", class: "lbl" }, "z"));
  label(g, `z${layer}${p}`, row, j, x, y - 3, false, true);
  g.append(svg("text", { x: x - 36, y: y + 14, "text-anchor": "end", class: "lbl" },
    layer === L + 1 ? "ŷ" : "a"));
  label(g, `${a}${p}`, row, j, x, y + 13, false, true);
}
function outputExtras(d, lay, view, hl) {
  const L = lay.sizes.length - 1;
  const gy = svg("g", { class: `node${hl.has("y") ? " hl" : ""}`, "data-part": "y" });
  lay.pos[L].forEach(([x, y], j) => {
    gy.append(svg("text", { x: x + 60, y: y - 8, class: "lbl", "text-anchor": "middle" }, "y"));
    label(gy, "y", row, j, x + 60, y + 8, true, false);
  });
  d.append(gy);
  const gJ = svg("g", { class: `node${hl.has("J") ? " hl" : ""}`, "data-part": "J" });
  const x = lay.W - 55, y = lay.H / 2;
  gJ.append(svg("rect", { x: x - 45, y: y - 22, width: 90, height: 44, rx: 6,
    fill: "#fff", stroke: "#555" }));
  gJ.append(svg("text", { x, y: y - 6, class: "lbl", "text-anchor": "middle" }, "J"));
  label(gJ, `J${view.prime}`, 0, 0, x, y + 12, false, true);
  d.append(gJ);
}

// ------------------------------------------------------------- the cost curve
function renderCosts() {
  const c = $("cost-chart");
  c.textContent = "";
  const costs = state.costs;
  $("cost-count").textContent = String(costs.length);
  $("cost-last").textContent = costs.length ? fmt(costs[costs.length - 1]) : "–";
  if (costs.length < 1) {
    c.append(svg("text", { x: 200, y: 80, "text-anchor": "middle", class: "lbl" },
      "No updates yet: press Step or Train."));
    return;
  }
  const hi = Math.max(...costs), lo = Math.min(...costs);
  const span = hi - lo || 1;
  const pts = costs.map((J, i) => {
    const x = 62 + (330 * i) / Math.max(1, costs.length - 1);
    return `${x.toFixed(1)},${(10 + 130 * (hi - J) / span).toFixed(1)}`;
  });
  c.append(svg("line", { x1: 60, y1: 140, x2: 394, y2: 140, stroke: "#999" }),
    svg("line", { x1: 60, y1: 8, x2: 60, y2: 140, stroke: "#999" }),
    svg("text", { x: 56, y: 16, "text-anchor": "end", class: "lbl" }, fmt(hi, 4)),
    svg("text", { x: 56, y: 140, "text-anchor": "end", class: "lbl" }, fmt(lo, 4)),
    svg("text", { x: 227, y: 156, "text-anchor": "middle", class: "lbl" },
      `updates (J before each, ${costs.length} in all)`),
    svg("polyline", { points: pts.join(" "), fill: "none", stroke: "#1a73e8",
      "stroke-width": 2, id: "cost-curve", "data-count": String(costs.length) }));
}
