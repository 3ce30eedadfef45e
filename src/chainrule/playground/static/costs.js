// The playground page: the cost curve (inline SVG), on a linear or a log
// scale. Loaded after diagram.js (svg) and before app.js (state, fmt).
"use strict";

// The curve's height of a cost: linear, or log10 (a cost of 0, which a log
// scale cannot show, is drawn at the smallest positive cost).
function costScale(costs, log) {
  if (!log) {
    const hi = Math.max(...costs), lo = Math.min(...costs);
    return { hi, lo, at: (J) => (hi - J) / (hi - lo || 1) };
  }
  const positive = costs.filter((J) => J > 0);
  const lo = positive.length ? Math.min(...positive) : 1, hi = Math.max(lo, ...costs);
  const top = Math.log10(hi), span = top - Math.log10(lo) || 1;
  return { hi, lo, at: (J) => (top - Math.log10(Math.max(J, lo))) / span };
}
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
  const log = $("cost-log").checked;
  const sc = costScale(costs, log);
  const pts = costs.map((J, i) => {
    const x = 62 + (330 * i) / Math.max(1, costs.length - 1);
    return `${x.toFixed(1)},${(10 + 130 * sc.at(J)).toFixed(1)}`;
  });
  c.append(svg("line", { x1: 60, y1: 140, x2: 394, y2: 140, stroke: "#999" }),
    svg("line", { x1: 60, y1: 8, x2: 60, y2: 140, stroke: "#999" }),
    svg("text", { x: 56, y: 16, "text-anchor": "end", class: "lbl" }, fmt(sc.hi, 4)),
    svg("text", { x: 56, y: 140, "text-anchor": "end", class: "lbl" }, fmt(sc.lo, 4)),
    svg("text", { x: 227, y: 156, "text-anchor": "middle", class: "lbl" },
      `updates (J before each, ${costs.length} in all)${log ? "; J on a log scale" : ""}`),
    svg("polyline", { points: pts.join(" "), fill: "none", stroke: "#1a73e8",
      "stroke-width": 2, id: "cost-curve", "data-count": String(costs.length),
      "data-scale": log ? "log" : "linear" }));
}
