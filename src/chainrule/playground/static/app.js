// The playground page: draws what the server sends, sends what the user changes.
// Every number shown is a value of the server's Explanation (chainrule.explain);
// this file only lays them out: it computes no forward or backward pass.
"use strict";

const PHASE_TITLES = {
  given: "Given", forward: "Forward pass", backward: "Backward pass",
  update: "Gradient-descent update", forward_again: "Forward pass again",
};
let state = null;      // the last payload of /api/state or of a POST
let cursor = -1;       // index into state.explanation.steps of the current step
let row = 0;           // the example shown in the diagram
let training = false;
const $ = (id) => document.getElementById(id);

// ------------------------------------------------------------------ helpers
function fmt(x, digits) {
  if (typeof x !== "number") return String(x);
  const s = Number(x.toPrecision(digits || (state ? state.precision : 6))).toString();
  return s === "-0" ? "0" : s;
}
function el(tag, attrs = {}, text = null) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== null) e.textContent = text;
  return e;
}
function steps() { return state.explanation.steps; }
function stepOf(symbol) { return steps().find((s) => s.symbol === symbol); }
function cell(value, i, j) {  // one element of a step's value
  return Array.isArray(value) ? value[i][j] : value;
}
function message(text) { $("message").textContent = text || ""; }

async function send(path, body = {}) {
  const r = await fetch(path, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const doc = await r.json().catch(() => ({ error: `${r.status} ${r.statusText}` }));
  if (!r.ok || doc.error) {
    message(doc.error || `${r.status} ${r.statusText}`);
    return null;
  }
  message("");
  show(doc);
  return doc;
}

// -------------------------------------------------------------- the values
// A value element: data-symbol, data-index for a matrix cell, data-value exact.
function valueSpan(symbol, value, i, j) {
  const x = cell(value, i, j);
  const attrs = { "data-symbol": symbol, "data-value": String(x), class: "num" };
  if (Array.isArray(value)) attrs["data-index"] = `${i},${j}`;
  return el("span", attrs, fmt(x));
}
const TABLE_ROWS = 10;  // taller values show their first rows; the diagram shows any
function matrix(step, editable) {
  const v = step.value;
  if (!Array.isArray(v)) return valueSpan(step.symbol, v, 0, 0);
  const box = el("span");
  const t = el("table", { class: "matrix" });
  box.append(t);
  if (v.length > TABLE_ROWS) {
    box.append(el("span", { class: "shape" },
      ` first ${TABLE_ROWS} of ${v.length} rows; the diagram shows the example row chosen`));
  }
  v.slice(0, TABLE_ROWS).forEach((r, i) => {
    const tr = el("tr");
    r.forEach((_, j) => {
      const td = el("td");
      const span = valueSpan(step.symbol, v, i, j);
      if (editable) {
        const b = el("button", {
          type: "button", class: "editable",
          "aria-label": `change ${step.symbol}[${i},${j}], now ${fmt(v[i][j])}`,
        });
        b.append(span);
        b.addEventListener("click", () => edit(b, step.symbol, [i, j], v[i][j]));
        td.append(b);
      } else td.append(span);
      tr.append(td);
    });
    t.append(tr);
  });
  return box;
}

// ----------------------------------------------------------- the derivation
function renderSteps() {
  const box = $("steps");
  box.textContent = "";
  const math = state.math;
  const all = steps();
  const given = all.filter((s) => s.phase === "given");
  const sec = el("section", { class: "phase", "aria-label": PHASE_TITLES.given });
  sec.append(el("h3", {}, PHASE_TITLES.given));
  const t = el("table", { class: "given" });
  for (const s of given) {
    const tr = el("tr", { id: `step-${s.symbol}`, "data-step": s.symbol });
    const name = el("th");
    name.innerHTML = math[s.symbol].name;
    const shape = el("td", { class: "shape" }, `(${s.shape.join(", ")})`);
    const val = el("td");
    val.append(matrix(s, true));
    tr.append(name, shape, val);
    t.append(tr);
  }
  sec.append(t);
  box.append(sec);
  let current = null;
  all.forEach((s, k) => {
    if (s.phase === "given") return;
    if (s.phase !== current) {
      current = s.phase;
      box.append(el("h3", { class: "phase" }, PHASE_TITLES[s.phase] || s.phase));
    }
    box.append(stepCard(s, k));
  });
  highlight();
}
function stepCard(s, k) {
  const m = state.math[s.symbol];
  const card = el("article", {
    class: "step", id: `step-${s.symbol}`, "data-step": s.symbol,
    "data-phase": s.phase, "data-k": String(k), tabindex: "-1",
  });
  const h = el("h3");
  h.innerHTML = m.name;
  const shape = s.shape.length ? `(${s.shape.join(", ")})` : "scalar";
  h.append(" ", el("span", { class: "shape" }, `shape ${shape}`));
  const formula = el("div", { class: "formula" });
  formula.innerHTML = m.formula;
  const eq = el("div", { class: "eq" });
  eq.innerHTML = m.equation;
  const value = el("div", { class: "value" });
  value.append("value: ", matrix(s, false));
  card.append(h, formula, eq, value);
  if (s.note) card.append(el("p", { class: "note" }, s.note));
  const answer = el("div", { class: "answer" });
  const label = el("label", {}, `Your value of ${s.name || s.symbol}: `);
  const input = el("input", {
    class: "answer-input", "data-answer": s.symbol,
    "aria-label": `answer for ${s.symbol}`, size: "18",
  });
  label.append(input);
  answer.append(label, el("span", { class: "verdict", "data-verdict": s.symbol }));
  card.append(answer);
  card.addEventListener("click", () => { cursor = k; highlight(); });
  return card;
}

// ---------------------------------------------------------------- moving
function indices(phase) {
  return steps().map((s, k) => (s.phase === phase ? k : -1)).filter((k) => k >= 0);
}
function advance(phase) {
  const ks = indices(phase);
  if (!ks.length) return;
  const next = ks.find((k) => k > cursor);
  if (next === undefined && cursor === ks[ks.length - 1]) {
    $("status").textContent = phase === "forward"
      ? "The forward pass is done: Backward goes on with the gradients."
      : "The backward pass is done: Step applies the update.";
    return;
  }
  cursor = next === undefined ? ks[0] : next;
  highlight();
}
function move(delta) {
  const ks = steps().map((s, k) => (s.phase === "given" ? -1 : k)).filter((k) => k >= 0);
  const at = ks.indexOf(cursor);
  const to = at < 0 ? (delta > 0 ? 0 : ks.length - 1) : at + delta;
  if (to < 0 || to >= ks.length) return;
  cursor = ks[to];
  highlight();
}
function currentStep() { return cursor >= 0 ? steps()[cursor] : null; }
function highlight() {
  const s = currentStep();
  for (const card of document.querySelectorAll(".step")) {
    const k = Number(card.dataset.k);
    card.classList.toggle("current", k === cursor);
    card.classList.toggle("ahead", cursor >= 0 && k > cursor);
    if (k === cursor) card.setAttribute("aria-current", "step");
    else card.removeAttribute("aria-current");
  }
  renderDiagram();
  if (!s) return;
  const card = $(`step-${s.symbol}`);
  if (card && card.scrollIntoView) card.scrollIntoView({ block: "nearest" });
  const uses = s.uses.length ? `, using ${s.uses.join(", ")}` : "";
  $("status").textContent = `${PHASE_TITLES[s.phase]}: ${s.formula}${uses}`;
}

// ------------------------------------------------------------- the forms
function fillSelect(sel, names, chosen) {
  sel.textContent = "";
  for (const n of names) {
    const o = el("option", { value: n }, n);
    if (n === chosen) o.selected = true;
    sel.append(o);
  }
}
function renderForms() {
  const s = state.settings, ch = state.choices;
  $("set-sizes").value = s.sizes.join(", ");
  const acts = s.activation;
  fillSelect($("set-activation"), ch.activation, acts.length > 1 ? acts[0] : acts[0]);
  fillSelect($("set-output"), ch.output_activation, acts[acts.length - 1]);
  $("set-activation").disabled = acts.length < 2;
  fillSelect($("set-loss"), ch.loss, s.loss);
  $("set-bias").checked = s.bias.every(Boolean);
  $("set-lr").value = String(s.learning_rate);
  fillSelect($("set-notation"), ch.notation, s.notation);
  const ex = $("example");
  if (!ex.options.length) {
    for (const [name, title] of Object.entries(state.examples)) {
      ex.append(el("option", { value: name }, `${name}: ${title}`));
    }
  }
  const lim = state.limits;
  $("limits").textContent = `Limits: at most ${lim.units} units per layer, ` +
    `${lim.weight_layers} weight layers, ${lim.rows} examples, ` +
    `${lim.train_steps} updates per Train request.`;
  const n = state.explanation.steps.find((t) => t.symbol === "X").shape[0];
  const sel = $("row");
  if (sel.options.length !== n) {
    sel.textContent = "";
    for (let i = 0; i < n; i++) sel.append(el("option", { value: String(i) }, `row ${i + 1}`));
  }
  row = Math.min(row, n - 1);
  sel.value = String(row);
}
function settingsBody() {
  const sizes = $("set-sizes").value.split(/[ ,]+/).filter(Boolean).map(Number);
  const L = sizes.length - 1;
  const activation = Array.from({ length: Math.max(L, 1) }, (_, k) =>
    (k === L - 1 ? $("set-output").value : $("set-activation").value));
  return {
    sizes, activation, loss: $("set-loss").value,
    bias: $("set-bias").checked, learning_rate: Number($("set-lr").value),
    notation: $("set-notation").value,
  };
}

// ------------------------------------------------------------- editing
let editing = null;
function edit(anchor, symbol, index, value) {
  const form = $("editor");
  editing = { symbol, index, anchor };
  $("editor-label").textContent = `${symbol}[${index.join(",")}] = `;
  const input = $("editor-input");
  input.value = String(value);
  input.setAttribute("aria-label", `new value of ${symbol}[${index.join(",")}]`);
  const box = anchor.getBoundingClientRect();
  form.style.left = `${Math.max(4, box.left)}px`;
  form.style.top = `${box.bottom + 4}px`;
  form.hidden = false;
  input.focus();
  input.select();
}
function closeEditor() {
  $("editor").hidden = true;
  if (editing && editing.anchor.isConnected) editing.anchor.focus();
  editing = null;
}
async function commitEdit(e) {
  e.preventDefault();
  if (!editing) return;
  const { symbol, index } = editing;
  const raw = $("editor-input").value.trim();
  const value = Number(raw);
  if (raw === "" || !Number.isFinite(value)) {
    message(`${symbol}[${index.join(",")}]: expected a number, got ${JSON.stringify(raw)}`);
    return;
  }
  const path = symbol === "X" || symbol === "y" ? "/api/data" : "/api/param";
  closeEditor();
  await send(path, { name: symbol, index, value });
}

// ------------------------------------------------------------- actions
function show(doc) {
  const keep = cursor >= 0 ? steps()[cursor].symbol : null;
  state = doc;
  const k = keep ? steps().findIndex((s) => s.symbol === keep) : -1;
  cursor = k;
  $("title").textContent = state.explanation.title;
  $("description").textContent = state.explanation.description;
  renderForms();
  renderSteps();
  renderCosts();
  if (doc.quiz) showQuiz(doc.quiz);
}
async function train() {
  if (training) { training = false; return; }
  const total = Number($("train-steps").value) || 1;
  training = true;
  $("btn-train").textContent = "Pause";
  $("btn-train").setAttribute("aria-pressed", "true");
  let done = 0;
  while (training && done < total) {
    const chunk = Math.min(total - done, Math.max(1, Math.ceil(total / 50)));
    const doc = await send("/api/train", { steps: chunk });
    if (!doc) break;
    done += chunk;
    await new Promise((r) => setTimeout(r, 15));
  }
  training = false;
  $("btn-train").textContent = "Train";
  $("btn-train").setAttribute("aria-pressed", "false");
  $("status").textContent = `${done} updates done; J = ${fmt(state.costs.at(-1))} before the last.`;
}
async function upload() {
  const f = $("csv-file").files[0];
  if (!f) { message("Choose a CSV file first."); return; }
  const cap = 64 * 1024;
  if (f.size > cap) {
    message(`The CSV file is ${f.size} bytes; the playground takes at most ${cap}.`);
    return;
  }
  await send("/api/upload", { csv: await f.text(), target: $("csv-target").value });
}
async function checkQuiz() {
  const answers = {};
  for (const inp of document.querySelectorAll(".answer-input")) {
    if (inp.value.trim()) answers[inp.dataset.answer] = inp.value.trim();
  }
  if (!Object.keys(answers).length) { message("Type at least one answer first."); return; }
  const typed = { ...answers };
  const doc = await send("/api/quiz", { answers });
  if (!doc) return;
  for (const [k, v] of Object.entries(typed)) {
    const inp = document.querySelector(`.answer-input[data-answer="${CSS.escape(k)}"]`);
    if (inp) inp.value = v;
  }
  showQuiz(doc.quiz);
}
function showQuiz(q) {
  $("quiz-score").textContent = `Score: ${Math.round(100 * q.score)}% ` +
    `(${q.items.filter((i) => i.ok).length} of ${q.items.length} right)`;
  for (const it of q.items) {
    const v = document.querySelector(`[data-verdict="${CSS.escape(it.symbol)}"]`);
    if (!v) continue;
    v.textContent = it.ok ? " ✓ right" : ` ✗ ${it.reason || "wrong"}`;
    v.className = `verdict ${it.ok ? "ok" : "wrong"}`;
  }
}
function keys(e) {
  const tag = (e.target.tagName || "").toLowerCase();
  if (["input", "select", "textarea"].includes(tag) || !state) return;
  if (e.key === "ArrowRight") { move(1); e.preventDefault(); }
  if (e.key === "ArrowLeft") { move(-1); e.preventDefault(); }
}

async function start() {
  $("btn-forward").addEventListener("click", () => advance("forward"));
  $("btn-backward").addEventListener("click", () => advance("backward"));
  $("btn-step").addEventListener("click", async () => {
    const doc = await send("/api/step");
    if (doc) $("status").textContent = `One update: J went from ${fmt(doc.J_before)} to ${fmt(doc.J_after)}.`;
  });
  $("btn-train").addEventListener("click", train);
  $("btn-reset").addEventListener("click", () => { training = false; cursor = -1; send("/api/reset"); });
  $("settings").addEventListener("submit", (e) => { e.preventDefault(); send("/api/settings", settingsBody()); });
  $("btn-load").addEventListener("click", () => { cursor = -1; send("/api/example", { name: $("example").value }); });
  $("btn-upload").addEventListener("click", upload);
  $("btn-check").addEventListener("click", checkQuiz);
  $("quiz-toggle").addEventListener("change", (e) => {
    document.body.classList.toggle("quiz", e.target.checked);
    $("quiz-panel").hidden = !e.target.checked;
  });
  $("row").addEventListener("change", (e) => { row = Number(e.target.value); renderDiagram(); });
  $("editor").addEventListener("submit", commitEdit);
  $("editor-cancel").addEventListener("click", closeEditor);
  $("editor").addEventListener("keydown", (e) => { if (e.key === "Escape") closeEditor(); });
  document.addEventListener("keydown", keys);
  const r = await fetch("/api/state");
  show(await r.json());
  document.body.setAttribute("data-ready", "true");
}
document.addEventListener("DOMContentLoaded", start);
