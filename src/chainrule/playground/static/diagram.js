// The playground page: the network diagram and the cost curve (inline SVG).
// Loaded before app.js, whose state (state, row, currentStep, fmt, cell, edit) it
// draws; it lays out the values of the server's Explanation and computes none.
// Every index here is the trace's (one example per row, W as inputs × outputs),
// in either convention: cell() reads the column convention's transposed values.
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
// One value on the diagram; in quiz mode a computed value is a "?" (quiz.js).
// A text's box in the diagram's units, estimated from its characters (the
// values are set in a monospace font, 11px: 6.7px a character): the layout
// places every edge number where its box meets no other (nor a node).
const CHAR_W = 6.7, TEXT_H = 13, PAD = 3;  // a pixel to spare round each box
function textBox(text, x, y, anchor = "middle", size = 11) {
  const w = text.length * CHAR_W * (size / 11) + 2 * PAD;
  const left = anchor === "middle" ? x - w / 2 : anchor === "end" ? x - w : x;
  return { x0: left, x1: left + w, y0: y - TEXT_H * (size / 11) + 2 - PAD, y1: y + 3 + PAD };
}
function meets(a, b) { return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1; }
// The shown text of a value: its number, "?" (quiz) or "·" (not computed yet).
function shownText(symbol, i, j) {
  const v = valueAt(symbol, i, j);
  if (v === null) return null;
  if (hidden(symbol)) return "?";
  if (!revealed(symbol)) return "·";
  return fmt(v, DIAGRAM_DIGITS);
}
// One value on the diagram; in quiz mode a computed value is a "?" (quiz.js).
function label(g, symbol, i, j, x, y, editable, anchor = "middle") {
  const v = valueAt(symbol, i, j);
  if (v === null) return;
  const t = svg("text", {
    x, y, class: `val${editable ? " editable" : ""}`,
    "data-symbol": symbol, "text-anchor": anchor,
  });
  const s = stepOf(symbol);
  if (Array.isArray(s.value)) t.setAttribute("data-index", `${i},${j}`);
  g.append(t);
  if (hidden(symbol)) {
    t.classList.add("hidden");
    t.textContent = "?";
    return;
  }
  if (!revealed(symbol)) {  // not computed yet at the current step
    t.classList.add("pending");
    t.textContent = "·";
    return;
  }
  t.setAttribute("data-value", String(v));
  t.textContent = fmt(v, DIAGRAM_DIGITS);
  const name = Array.isArray(s.value) ? elementName(symbol.replace(/'$/, ""), i, j) : s.name;
  if (editable) {
    t.setAttribute("tabindex", "0");
    t.setAttribute("role", "button");
    t.setAttribute("aria-label", `change ${name}, now ${fmt(v)}`);
    const open = () => edit(t, symbol.replace(/'$/, ""), [i, j], v);
    t.addEventListener("click", open);
    t.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(); }
    });
  } else {
    t.setAttribute("aria-label", `${name} = ${fmt(v)}`);
  }
}
// Where the units are: layers DX apart, units DY apart, each layer centred
// (unit 1 at the top), its bias node below its units; the targets y and
// the cost J to the right of the output layer.
const DX = 230, DY = 80, R = 26;
function layout() {
  const sizes = state.settings.sizes;
  const bias = state.settings.bias;
  const L = sizes.length - 1;
  const rows = Math.max(...sizes.map((n, k) => n + (k < L && bias[k] ? 1 : 0)));
  const H = Math.max(180, DY * rows + 50);
  const top = (k) => 45 + (DY * (rows - sizes[k] - (k < L && bias[k] ? 1 : 0))) / 2;
  const pos = sizes.map((n, k) => Array.from({ length: n }, (_, j) => [80 + DX * k, top(k) + DY * j]));
  const biasPos = sizes.slice(0, -1).map((n, k) => [80 + DX * k, top(k) + DY * n]);
  const xOut = 80 + DX * L;
  return { sizes, bias, W: xOut + 230, H, pos, biasPos, xOut, L };
}
// Each edge's number where its box meets no other box nor a node: the first
// free place of a few along the edge. An edge with no free place has no
// number on the diagram (the table of given values has every weight).
const ALONG = [0.5, 0.38, 0.62, 0.28, 0.72, 0.44, 0.56, 0.22, 0.78, 0.33, 0.67];
function placeEdgeLabels(edges, taken) {
  let unplaced = 0;
  for (const e of edges) {
    const text = shownText(e.symbol, e.i, e.j);
    if (text === null) continue;
    let spot = null;
    for (const t of ALONG) {
      for (const dy of [-3, 11, -15]) {
        const x = e.x1 + t * (e.x2 - e.x1), y = e.y1 + t * (e.y2 - e.y1) + dy;
        const box = textBox(text, x, y);
        if (!taken.some((b) => meets(b, box))) { spot = { x, y, box }; break; }
      }
      if (spot) break;
    }
    if (!spot) { unplaced += 1; continue; }
    taken.push(spot.box);
    e.spot = spot;
  }
  return unplaced;
}
// An edge's look: thickness by |value|, colour by sign, among the edges on
// show; a hidden or not yet computed value is drawn plain (it tells nothing).
function edgeStyle(e, largest) {
  const v = valueAt(e.symbol, e.i, e.j);
  if (v === null || hidden(e.symbol) || !revealed(e.symbol) || !largest) {
    return { class: "plain" };  // the width of the style sheet
  }
  const w = 0.8 + (5 * Math.abs(v)) / largest;
  return { "stroke-width": w.toFixed(2), class: v < 0 ? "neg" : v > 0 ? "pos" : "plain" };
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
  d.classList.toggle("focus", hl.size > 0);
  const L = lay.L;
  const Wsym = (l) => (view.backward ? `dJdW${l}` : view.update || view.prime ? `W${l}'` : `W${l}`);
  const bsym = (l) => (view.backward ? `dJdb${l}` : view.update || view.prime ? `b${l}'` : `b${l}`);
  const editable = !view.backward && !view.update && !view.prime;
  const edges = [];
  for (let l = 1; l <= L; l++) {
    lay.pos[l - 1].forEach(([x1, y1], i) => lay.pos[l].forEach(([x2, y2], j) => {
      edges.push({ part: `E${l}`, symbol: Wsym(l), i, j, x1, y1, x2, y2 });
    }));
    if (lay.bias[l - 1]) {
      const [x1, y1] = lay.biasPos[l - 1];
      lay.pos[l].forEach(([x2, y2], j) => {
        edges.push({ part: `B${l}`, symbol: bsym(l), i: 0, j, x1, y1, x2, y2, bias: true });
      });
    }
  }
  const largest = Math.max(0, ...edges.map((e) => {
    const v = valueAt(e.symbol, e.i, e.j);
    return v === null || hidden(e.symbol) || !revealed(e.symbol) ? 0 : Math.abs(v);
  }));
  const groups = {};
  const group = (part, cls) => {
    if (!groups[part]) {
      groups[part] = svg("g", { class: `${cls}${hl.has(part) ? " hl" : ""}`, "data-part": part });
    }
    return groups[part];
  };
  for (const e of edges) {  // edges first, below the nodes
    const st = edgeStyle(e, largest);
    group(e.part, `edge${e.bias ? " bias" : ""}`).append(svg("line", {
      x1: e.x1, y1: e.y1, x2: e.x2, y2: e.y2, ...st }));
  }
  Object.values(groups).forEach((g) => d.append(g));
  const taken = [];  // the boxes drawn so far: nodes and their texts
  lay.sizes.forEach((n, k) => {
    const layer = k + 1;
    const g = svg("g", { class: `node${hl.has(`L${layer}`) ? " hl" : ""}`, "data-part": `L${layer}` });
    lay.pos[k].forEach(([x, y], j) => {
      g.append(svg("circle", { cx: x, cy: y, r: R }));
      taken.push({ x0: x - R, x1: x + R, y0: y - R, y1: y + R });
      nodeValues(g, layer, j, x, y, view, L, taken);
    });
    d.append(g);
    if (k < L && lay.bias[k]) {
      const [bx, by] = lay.biasPos[k];
      const gb = svg("g", { class: "node bias" });
      gb.append(svg("circle", { cx: bx, cy: by, r: 14 }), svg("text", {
        x: bx, y: by + 4, "text-anchor": "middle", class: "lbl" }, "1"));
      taken.push({ x0: bx - 16, x1: bx + 16, y0: by - 16, y1: by + 16 });
      d.append(gb);
    }
  });
  outputExtras(d, lay, view, hl, taken);
  const unplaced = placeEdgeLabels(edges, taken);
  for (const e of edges) {  // the numbers last, above every line
    if (!e.spot) continue;
    const g = svg("g", { class: `edge-label${hl.has(e.part) ? " hl" : ""}`, "data-part": e.part });
    label(g, e.symbol, e.i, e.j, e.spot.x, e.spot.y, editable);
    d.append(g);
  }
  legend(view, unplaced, edges.length);
  if (typeof renderGraph === "function") renderGraph();  // the operation view (graph.js)
}
// What the numbers on the edges are, in words, beside the diagram.
function legend(view, unplaced, total) {
  const what = view.backward ? "the gradients ∂J/∂w (and ∂J/∂b)"
    : view.update || view.prime ? "the updated weights w′ = w − α ∂J/∂w"
      : "the weights w (and the biases b)";
  const sign = view.backward ? "∂J/∂w" : "w";
  let text = `On the edges: ${what}; blue is positive, orange negative, ` +
    `thickness |${sign}|.`;
  if (unplaced) {
    text += ` ${unplaced} of ${total} edge numbers have no room on the diagram: ` +
      "every weight is in the derivation.";
  }
  $("edge-legend").textContent = text;
}
function nodeText(g, taken, text, x, y, anchor, cls = "lbl", size = 10) {
  g.append(svg("text", { x, y, "text-anchor": anchor, class: cls }, text));
  taken.push(textBox(text, x, y, anchor, size));
}
function nodeValues(g, layer, j, x, y, view, L, taken) {
  const p = view.prime;
  if (layer === 1) {
    g.append(svg("text", { x, y: y - 8, "text-anchor": "middle", class: "lbl" }, `x${j + 1}`));
    label(g, "X", row, j, x, y + 8, true);
    return;
  }
  const a = layer === L + 1 ? "yHat" : `a${layer}`;
  if (view.backward) {
    g.append(svg("text", { x, y: y - 8, "text-anchor": "middle", class: "lbl" }, "δ"));
    label(g, `delta${layer}`, row, j, x, y + 8, false);
    return;
  }
  nodeText(g, taken, "z", x - R - 4, y - 2, "end");
  label(g, `z${layer}${p}`, row, j, x, y - 3, false);
  nodeText(g, taken, layer === L + 1 ? "ŷ" : "a", x - R - 4, y + 13, "end");
  label(g, `${a}${p}`, row, j, x, y + 13, false);
}
function outputExtras(d, lay, view, hl, taken) {
  const gy = svg("g", { class: `node${hl.has("y") ? " hl" : ""}`, "data-part": "y" });
  lay.pos[lay.L].forEach(([x, y], j) => {
    const ty = x + 75;
    gy.append(svg("text", { x: ty, y: y - 8, class: "lbl", "text-anchor": "middle" }, "y"));
    label(gy, "y", row, j, ty, y + 8, true);
    taken.push({ x0: ty - 40, x1: ty + 40, y0: y - 22, y1: y + 14 });
  });
  d.append(gy);
  const gJ = svg("g", { class: `node${hl.has("J") ? " hl" : ""}`, "data-part": "J" });
  const x = lay.xOut + 170, ys = lay.pos[lay.L].map((p) => p[1]);
  const y = (Math.min(...ys) + Math.max(...ys)) / 2;
  gJ.append(svg("rect", { x: x - 45, y: y - 22, width: 90, height: 44, rx: 6,
    fill: "#fff", stroke: "#555" }));
  gJ.append(svg("text", { x, y: y - 6, class: "lbl", "text-anchor": "middle" }, "J"));
  label(gJ, `J${view.prime}`, 0, 0, x, y + 12, false);
  d.append(gJ);
}

