// The playground page: the operation view, the network unrolled into scalar
// operations (multiply, add, activation, the cost's), CS231n and micrograd's
// way. Loaded after app.js, whose state (state, row, quiz, revealed, fmt, api)
// it reads; the graph, its values, gradients, rules and paths come from the
// server (GET /api/graph, playground/graph.py); this file only lays them out.
"use strict";

const OPS = { on: false, state: null, row: -1, doc: null, error: "", pinned: null, path: null,
  chains: {} };  // a parameter's paths, asked for when it is clicked
const OPS_DIGITS = 4;
// Box sizes in pixels: three lines of text (name, value, gradient), monospace 11px.
const OPS_CHAR = 6.7, OPS_BOX_H = 52, OPS_ROW_GAP = 12, OPS_COL_GAP = 28, OPS_MARGIN = 12;

function opsSvg(tag, attrs = {}, text = null) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== null) e.textContent = text;
  return e;
}

// ------------------------------------------------------------- the panel
function opsPanel() {
  let box = $("ops-box");
  if (box) return box;
  box = el("div", { id: "ops-box", hidden: "" });
  const head = el("p", { id: "ops-head", class: "hint", "aria-live": "polite" });
  const zoom = el("select", { id: "ops-zoom" });
  const zooms = [["auto", "fit, down to 75 %"], ["1", "100 %"], ["0.75", "75 %"], ["fit", "fit the width"]];
  for (const [v, text] of zooms) {
    zoom.append(el("option", { value: v }, text));
  }
  zoom.addEventListener("change", drawGraph);
  const label = el("label", { class: "row-label" }, "zoom ");
  label.append(zoom);
  const scroll = el("div", { id: "ops-scroll", tabindex: "0", role: "group",
    "aria-label": "The operation graph (scrolls if larger than the box)" });
  scroll.append(opsSvg("svg", { id: "ops-graph", role: "group",
    "aria-label": "The operations of one example, each with its value and gradient" }));
  const info = el("div", { id: "ops-info", "aria-live": "polite" });
  box.append(label, head, scroll, info);
  $("diagram-box").after(box);
  return box;
}
function toggleOps() {
  OPS.on = !OPS.on;
  $("btn-ops").setAttribute("aria-pressed", String(OPS.on));
  $("btn-ops").textContent = OPS.on ? "Network diagram" : "Operations";
  opsPanel().hidden = !OPS.on;
  document.body.classList.toggle("ops-on", OPS.on);  // a wider left column
  $("diagram-box").hidden = OPS.on;
  renderGraph();
}

// Called after every redraw of the diagram (diagram.js): a new state or
// example fetches the graph again; a step of the walk only redraws it.
function renderGraph() {
  if (!OPS.on || !state) return;
  opsPanel();
  if (quiz) {
    $("ops-head").textContent = "The operation view shows every value: it is off in quiz mode.";
    $("ops-graph").textContent = "";
    $("ops-info").textContent = "";
    return;
  }
  if (OPS.state !== state || OPS.row !== row) { fetchGraph(); return; }
  drawGraph();
}
async function fetchGraph() {
  const want = { state, row };
  OPS.state = state;
  OPS.row = row;
  let doc;
  try {
    const r = await fetch(`${api("/api/graph")}&row=${row}`);
    doc = await r.json();
  } catch (err) {
    doc = { error: NO_SERVER };
  }
  if (OPS.state !== want.state || OPS.row !== want.row) return;  // a newer one is coming
  OPS.doc = doc.error ? null : doc;
  OPS.error = doc.error || "";
  OPS.chains = {};
  const params = new Set(((OPS.doc && OPS.doc.nodes) || []).filter((n) => n.param).map((n) => n.id));
  if (!params.has(OPS.path)) OPS.path = null;
  drawGraph();
  if (OPS.path) fetchChain(OPS.path);
}
async function fetchChain(id) {
  const want = OPS.doc;
  let doc;
  try {
    const r = await fetch(`${api("/api/graph")}&row=${OPS.row}&chain=${encodeURIComponent(id)}`);
    doc = await r.json();
  } catch (err) {
    doc = { error: NO_SERVER };
  }
  if (OPS.doc !== want) return;  // the graph changed meanwhile
  OPS.chains[id] = doc.chain || { error: doc.error || doc.refused };
  if (OPS.path === id) drawGraph();
}

// ------------------------------------------------------------- the layout
function nodeLines(n) {
  const leaf = !n.inputs.length;
  const name = leaf ? n.name : `${n.glyph}  ${n.name}`;
  const value = revealed(n.value_of) ? fmt(n.value, OPS_DIGITS) : "·";
  const showGrad = n.grad !== null && n.grad_of && revealed(n.grad_of);
  const grad = showGrad ? `∂ ${fmt(n.grad, OPS_DIGITS)}` : "";
  return { name, value, grad, showGrad };
}
// Columns left to right; in each, the nodes ordered by the mean height of
// their neighbours and packed one under the other, never closer than a gap:
// no two boxes meet.
function opsLayout(doc) {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const cols = [];
  for (const n of doc.nodes) (cols[n.col] = cols[n.col] || []).push(n);
  const next = new Map(doc.nodes.map((n) => [n.id, []]));
  for (const n of doc.nodes) for (const i of n.inputs) next.get(i).push(n.id);
  const y = new Map();
  const step = OPS_BOX_H + OPS_ROW_GAP;
  cols.forEach((c) => c && c.forEach((n, k) => y.set(n.id, k * step)));
  const pack = (c, want) => {
    c.sort((a, b) => want.get(a.id) - want.get(b.id));
    let last = -Infinity;
    const at = c.map((n) => (last = Math.max(want.get(n.id), last + step)));
    const shift = c.reduce((s, n, k) => s + want.get(n.id) - at[k], 0) / c.length;
    c.forEach((n, k) => y.set(n.id, at[k] + shift));
  };
  const mean = (ids) => ids.reduce((s, i) => s + y.get(i), 0) / ids.length;
  for (let sweep = 0; sweep < 6; sweep++) {
    const order = sweep % 2 ? [...cols.keys()].reverse() : [...cols.keys()];
    for (const k of order) {
      const c = cols[k];
      if (!c) continue;
      const want = new Map(c.map((n) => {
        const near = sweep % 2 ? next.get(n.id) : n.inputs;
        const ids = near.length ? near : [...n.inputs, ...next.get(n.id)];
        return [n.id, ids.length ? mean(ids) : y.get(n.id)];
      }));
      pack(c, want);
    }
  }
  const top = Math.min(...y.values());
  // widths from every text a box may show, so that the walk never moves a box
  const width = cols.map((c) => (c ? Math.max(...c.map((n) => {
    const name = nodeLines(n).name, grad = n.grad === null ? "" : `∂ ${fmt(n.grad, OPS_DIGITS)}`;
    return Math.max(name.length, fmt(n.value, OPS_DIGITS).length, grad.length, 6);
  })) * OPS_CHAR + 12 : 0));
  const x = [];
  width.reduce((acc, w, k) => { x[k] = acc; return acc + w + (w ? OPS_COL_GAP : 0); }, OPS_MARGIN);
  const place = new Map();
  for (const n of doc.nodes) {
    place.set(n.id, { x: x[n.col], y: y.get(n.id) - top + OPS_MARGIN, w: width[n.col], n });
  }
  const W = x[x.length - 1] + width[width.length - 1] + OPS_MARGIN;
  const H = Math.max(...[...place.values()].map((p) => p.y)) + OPS_BOX_H + OPS_MARGIN;
  return { place, W, H, byId };
}

// ------------------------------------------------------------- drawing
function drawGraph() {
  const g = $("ops-graph");
  g.textContent = "";
  $("ops-info").textContent = "";
  const doc = OPS.doc;
  if (!doc) {
    $("ops-head").textContent = OPS.error;
    return;
  }
  if (doc.refused) {
    $("ops-head").textContent = "";
    g.setAttribute("viewBox", "0 0 10 10");
    g.setAttribute("width", "10");
    g.setAttribute("height", "10");
    $("ops-info").append(el("p", { id: "ops-refused", class: "refusal", role: "status" },
      doc.refused));
    return;
  }
  const many = doc.examples > 1 ? ` of ${doc.examples} (choose it in “example”)` : "";
  $("ops-head").textContent = `Example ${doc.example + 1}${many}: ${doc.operations} ` +
    `operations (at most ${doc.limit}). Black: a node's value; red ∂: its gradient ` +
    `∂${doc.cost}/∂(node) by the gates' local rules. Hover or click a gate for its rule, ` +
    "a weight for its paths to the cost." +
    (doc.examples > 1 ? ` A weight's ∂ here is this example's part of ∂${doc.cost}/∂w.` : "");
  const lay = opsLayout(doc);
  g.setAttribute("viewBox", `0 0 ${lay.W} ${lay.H}`);
  const zoom = $("ops-zoom").value;
  const fit = Math.min(1, ($("ops-scroll").clientWidth - 2) / lay.W);
  const k = zoom === "fit" ? fit : zoom === "auto" ? Math.max(0.75, fit) : Number(zoom);
  g.setAttribute("width", String(lay.W * k));
  g.setAttribute("height", String(lay.H * k));
  const onPath = pathEdges();
  const edges = opsSvg("g", { class: "op-edges" });
  for (const n of doc.nodes) {
    const to = lay.place.get(n.id);
    n.inputs.forEach((i, k) => {
      const from = lay.place.get(i);
      const x1 = from.x + from.w, y1 = from.y + OPS_BOX_H / 2;
      const x2 = to.x, y2 = to.y + OPS_BOX_H / 2, dx = (x2 - x1) / 2;
      const cls = ["op-edge", n.flows[k] ? "" : "still", onPath.has(`${i}>${n.id}`) ? "on-path" : ""];
      edges.append(opsSvg("path", { class: cls.join(" ").trim(), "data-from": i, "data-to": n.id,
        d: `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}` }));
    });
  }
  g.append(edges);
  const nodesOnPath = new Set([...onPath].flatMap((e) => e.split(">")));
  for (const n of doc.nodes) g.append(nodeBox(n, lay.place.get(n.id), nodesOnPath.has(n.id)));
  if (OPS.path) showPaths(OPS.path);
  else if (OPS.pinned && lay.byId.has(OPS.pinned)) showRule(lay.byId.get(OPS.pinned));
}
function nodeBox(n, p, highlighted) {
  const t = nodeLines(n);
  const leaf = !n.inputs.length;
  const cls = ["op-node", leaf ? "leaf" : "gate", `op-${n.op}`, highlighted ? "on-path" : "",
    OPS.pinned === n.id || OPS.path === n.id ? "chosen" : ""];
  const box = opsSvg("g", { class: cls.join(" ").trim(), "data-id": n.id, "data-op": n.op,
    tabindex: "0", role: "button" });
  const what = n.param ? "show its paths to the cost" : "show its rule";
  box.setAttribute("aria-label", `${n.name} = ${t.value}${t.showGrad ? `, gradient ${fmt(n.grad)}` : ""}: ${what}`);
  box.append(opsSvg("rect", { x: p.x, y: p.y, width: p.w, height: OPS_BOX_H, rx: leaf ? 3 : 8 }));
  const cx = p.x + 6;
  box.append(opsSvg("text", { x: cx, y: p.y + 15, class: "op-name" }, t.name));
  const v = opsSvg("text", { x: cx, y: p.y + 31, class: "op-value", "data-node": n.id }, t.value);
  if (t.value !== "·") v.setAttribute("data-value", String(n.value));
  box.append(v);
  if (t.showGrad) {
    box.append(opsSvg("text", { x: cx, y: p.y + 46, class: "op-grad", "data-node": n.id,
      "data-grad": String(n.grad) }, t.grad));
  }
  const choose = () => {
    if (n.param) {
      OPS.path = OPS.path === n.id ? null : n.id;
      OPS.pinned = null;
      if (OPS.path && !OPS.chains[n.id]) fetchChain(n.id);
    }
    else { OPS.pinned = OPS.pinned === n.id ? null : n.id; OPS.path = null; }
    drawGraph();
  };
  box.addEventListener("click", choose);
  box.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); choose(); }
  });
  box.addEventListener("mouseenter", () => { if (!OPS.pinned && !OPS.path) showRule(n); });
  box.addEventListener("focus", () => { if (!OPS.pinned && !OPS.path) showRule(n); });
  return box;
}

// ---------------------------------------------------------- rules and paths
function showRule(n) {
  const info = $("ops-info");
  info.textContent = "";
  const box = el("div", { id: "ops-rule", "data-id": n.id });
  box.append(el("p", { class: "rule-title" }, `${n.name}: ${n.rule.title}`));
  if (revealed(n.value_of)) box.append(el("p", { class: "rule-forward" }, `forward: ${n.rule.forward}`));
  const back = n.grad !== null && n.grad_of && revealed(n.grad_of);
  if (back && n.rule.backward.length) {
    box.append(el("p", { class: "rule-note" },
      `backward: ∂${OPS.doc.cost}/∂(${n.name}) = ${fmt(n.grad)}, and each input gets:`));
    const ul = el("ul", { class: "rule-backward" });
    n.rule.backward.forEach((line) => ul.append(el("li", {}, line)));
    box.append(ul);
  } else if (!back && n.grad_of) {
    box.append(el("p", { class: "rule-note" }, "Its gradient appears when the walk reaches the backward pass."));
  }
  info.append(box);
}
// The edges of the chosen parameter's paths in this example, as "from>to".
function pathEdges() {
  const out = new Set();
  const c = OPS.path ? OPS.chains[OPS.path] : null;
  if (!c || !c.paths) return out;
  const byId = new Map(OPS.doc.nodes.map((n) => [n.id, n]));
  for (const p of c.paths) {
    const on = new Set(p.nodes);
    for (const id of p.nodes) {
      for (const i of byId.get(id).inputs) if (on.has(i)) out.add(`${i}>${id}`);
    }
  }
  return out;
}
function showPaths(id) {
  const c = OPS.chains[id];
  const info = $("ops-info");
  info.textContent = "";
  const box = el("div", { id: "ops-paths", "data-id": id });
  info.append(box);
  const n = OPS.doc.nodes.find((m) => m.id === id);
  if (!c) { box.append(el("p", {}, `∂${OPS.doc.cost}/∂${n.name}: finding its paths…`)); return; }
  if (!revealed(n.grad_of)) {
    box.append(el("p", {}, `${c.name}: its paths appear when the walk reaches ${nameOf(n.grad_of)}.`));
    return;
  }
  if (c.error) { box.append(el("p", { class: "refusal" }, c.error)); return; }
  const k = c.paths.length;
  box.append(el("p", { class: "rule-title" }, `${c.name}: ${k} path${k === 1 ? "" : "s"} ` +
    `from ${n.name} to ${OPS.doc.cost} in this example (drawn in red); along each, ` +
    "the product of the local derivatives:"));
  const ol = el("ol", { class: "paths" });
  for (const p of c.paths) {
    const li = el("li", { class: "path", "data-path-value": String(p.value) });
    li.append(el("div", {}, p.factors.map((f) => f[0]).join(" · ")));
    li.append(el("div", { class: "num-line" },
      `= ${p.factors.map((f) => num(f[1])).join(" · ")} = ${fmt(p.value)}`));
    ol.append(li);
  }
  box.append(ol);
  const parts = c.paths.map((p) => num(p.value));
  const ul = el("ul", { class: "others" });
  for (const o of c.others) {
    parts.push(num(o.sum));
    ul.append(el("li", { class: "other", "data-sum": String(o.sum) },
      `example ${o.example + 1} (not drawn): ${o.count} path${o.count === 1 ? "" : "s"}, together ${fmt(o.sum)}`));
  }
  if (c.more.examples) {
    parts.push(num(c.more.sum));
    ul.append(el("li", { class: "other", "data-sum": String(c.more.sum) },
      `${c.more.examples} more examples: ${c.more.count} paths, together ${fmt(c.more.sum)}`));
  }
  if (ul.childNodes.length) box.append(el("p", {}, "The other examples' paths:"), ul);
  if (c.penalty) parts.push(num(c.penalty));
  const sum = el("p", { id: "ops-sum", "data-total": String(c.total), "data-gradient": String(c.gradient) });
  sum.textContent = `${c.name} = ${parts.join(" + ")} = ${fmt(c.total)}, the derivation's ` +
    `${nameOf(n.grad_of)} at this element: ${fmt(c.gradient)}.`;
  box.append(sum);
}
function num(x) {
  const s = fmt(x);
  return s.startsWith("-") ? `(${s})` : s;
}

document.addEventListener("DOMContentLoaded", () => {
  $("btn-ops").addEventListener("click", toggleOps);
});
