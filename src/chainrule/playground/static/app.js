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
const START_STATUS = "Press Forward (or →) to walk through the derivation one operation " +
  "at a time.";
const $ = (id) => document.getElementById(id);
// This page's own state on the server: every request names its session.
const SESSION = document.querySelector('meta[name="chainrule-session"]').content;
function api(path) { return `${path}?session=${encodeURIComponent(SESSION)}`; }
const NO_SERVER = "The playground server does not answer: is `chainrule playground` " +
  "still running? Start it again and reload this page.";

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
// The column convention (Z = WA + b) shows every matrix transposed. The page
// addresses an element by the trace's index all the same (one example per
// row, W as inputs × outputs): data-index="i,j" is always the element
// [i, j] of Network.trace and of net.params, in either convention.
function columnView() { return state.explanation.convention === "column"; }
function traceIndex(r, c) { return columnView() ? [c, r] : [r, c]; }
function cell(value, i, j) {  // the element of a step's value at the trace's index
  if (!Array.isArray(value)) return value;
  return columnView() ? value[j][i] : value[i][j];
}
// An element's name for the reader, as the texts write it: the page's
// notation and 1-based row and column where it is shown, "W⁽¹⁾[1,2]"
// (in the column view, where W is shown transposed, "W[1][2,1]").
function elementName(symbol, i, j) {
  const s = stepOf(symbol);
  const [r, c] = columnView() ? [j, i] : [i, j];
  return `${s ? s.name : symbol}[${r + 1},${c + 1}]`;
}
// A symbol as the page's notation writes it (δ⁽³⁾, ∂J/∂ŷ), never its code name.
function nameOf(symbol) {
  const s = stepOf(symbol);
  return s ? s.name : symbol;
}
// Progressive reveal: while walking the derivation (cursor ≥ 0) only the
// values computed so far are shown; the given values always are.
function revealed(symbol) {
  const k = steps().findIndex((s) => s.symbol === symbol);
  return cursor < 0 || k < 0 || k <= cursor || steps()[k].phase === "given";
}
function message(text) { $("message").textContent = text || ""; }

async function send(path, body = {}) {
  let r, text;
  try {
    r = await fetch(api(path), {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    text = await r.text();
  } catch (err) {
    message(NO_SERVER);
    return null;
  }
  let doc;
  try { doc = JSON.parse(text); } catch (err) { doc = { error: text.trim() }; }
  if (!r.ok || doc.error) {
    message(doc.error || `${r.status} ${r.statusText}`);
    return null;
  }
  message("");
  show(doc);
  return doc;
}

// -------------------------------------------------------------- the values
// A value element: data-symbol; for a matrix element data-index (the trace's
// index, see traceIndex) and data-cell (row, column as shown); data-value exact.
function valueSpan(step, r, c) {
  const v = step.value;
  const x = Array.isArray(v) ? v[r][c] : v;
  const attrs = { "data-symbol": step.symbol, "data-value": String(x), class: "num" };
  if (Array.isArray(v)) {
    attrs["data-index"] = traceIndex(r, c).join(",");
    attrs["data-cell"] = `${r},${c}`;
  }
  return el("span", attrs, fmt(x));
}
// Larger values show their first rows and columns; the diagram shows any example.
const TABLE_ROWS = 10, TABLE_COLS = 10;
function matrix(step, editable) {
  const v = step.value;
  if (!Array.isArray(v)) return valueSpan(step, 0, 0);
  const box = el("span");
  const t = el("table", { class: "matrix" });
  box.append(t);
  const cut = [];
  if (v.length > TABLE_ROWS) cut.push(`first ${TABLE_ROWS} of ${v.length} rows`);
  if (v[0].length > TABLE_COLS) cut.push(`first ${TABLE_COLS} of ${v[0].length} columns`);
  if (cut.length) {
    box.append(el("span", { class: "shape" },
      ` ${cut.join(", ")}; the diagram shows the example chosen`));
  }
  v.slice(0, TABLE_ROWS).forEach((values, r) => {
    const tr = el("tr");
    values.slice(0, TABLE_COLS).forEach((x, c) => {
      const td = el("td");
      const span = valueSpan(step, r, c);
      if (editable) {
        const index = traceIndex(r, c);
        const b = el("button", {
          type: "button", class: "editable",
          "aria-label": `change ${elementName(step.symbol, ...index)}, now ${fmt(x)}`,
        });
        b.append(span);
        b.addEventListener("click", () => edit(b, step.symbol, index, x));
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
    const wide = el("div", { class: "scroller", role: "group",
      "aria-label": `value of ${s.name} (scrolls sideways if wider than the column)` });
    wide.append(matrix(s, true));
    val.append(wide);
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
  // a line wider than its card scrolls inside it: reachable from the keyboard
  for (const line of box.querySelectorAll(".scroller")) {
    if (line.scrollWidth > line.clientWidth + 1) line.setAttribute("tabindex", "0");
  }
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
  card.append(h, formula);
  if (hidden(s.symbol)) {  // quiz mode: no numbers, a blank input (quiz.js)
    card.append(answerBox(s));
  } else {
    const eq = el("div", { class: "eq" });
    m.lines.forEach((line, n) => {  // one line each; a wide one scrolls inside
      const box = el("div", { class: "eq-line scroller", role: "group",
        "aria-label": `${s.name}, line ${n + 1} of ${m.lines.length} (scrolls sideways if wider than the card)` });
      box.innerHTML = line;
      eq.append(box);
    });
    const value = el("div", { class: "value scroller", role: "group",
      "aria-label": `value of ${s.name} (scrolls sideways if wider than the card)` });
    value.append("value: ", matrix(s, false));
    const pending = el("p", { class: "pending" },
      "Not computed yet: the value appears when the walk reaches this step.");
    card.append(eq, value, pending);
  }
  if (m.note) card.append(el("p", { class: "note" }, m.note));
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
  const uses = s.uses.length ? `, from ${s.uses.map(nameOf).join(", ")}` : "";
  $("status").textContent = `${PHASE_TITLES[s.phase]}: ${s.formula}${uses}`;
}

// ------------------------------------------------------------- actions
// The description may quote results (a seed's errata give corrected values),
// so quiz mode leaves it out of the page.
function showDescription() {
  const text = quiz ? "(The description is hidden in quiz mode: it may quote answers.)"
    : state.description;
  $("description").textContent = text;
}

function show(doc) {
  const keep = cursor >= 0 ? steps()[cursor].symbol : null;
  state = doc;
  const k = keep ? steps().findIndex((s) => s.symbol === keep) : -1;
  cursor = k;
  $("title").textContent = state.explanation.title;
  showDescription();
  lastQuiz = doc.quiz || null;  // a grading holds for the state it graded
  renderForms();
  renderSteps();
  renderCosts();
  showQuiz(lastQuiz);
}
async function train() {
  if (training) { training = false; return; }
  const raw = $("train-steps").value.trim(), total = Number(raw);
  if (!Number.isInteger(total) || total < 1) {
    message(`updates: expected a whole number of at least 1, got ${JSON.stringify(raw)}`);
    $("train-steps").focus();
    return;
  }
  const most = state.limits.train_steps;  // per request; Train sends several
  training = true;
  $("btn-train").textContent = "Pause";
  $("btn-train").setAttribute("aria-pressed", "true");
  let done = 0;
  while (training && done < total) {
    const chunk = Math.min(total - done, most, Math.max(1, Math.ceil(total / 50)));
    const doc = await send("/api/train", { steps: chunk });
    if (!doc) break;
    done += chunk;
    await new Promise((r) => setTimeout(r, 15));
  }
  training = false;
  $("btn-train").textContent = "Train";
  $("btn-train").setAttribute("aria-pressed", "false");
  const from = state.costs.length >= done && done > 0 ? state.costs.at(-done) : null;
  const now = stepOf("J").value;
  const what = quiz ? "the new values are hidden in quiz mode"
    : from === null ? `J is now ${fmt(now)}` : `J went from ${fmt(from)} to ${fmt(now)}`;
  $("status").textContent = `${done} update${done === 1 ? "" : "s"} done: ${what}.`;
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
    if (!doc) return;
    // in quiz mode the new J is one of the hidden values
    const after = quiz ? "the new values are hidden in quiz mode" : `J is now ${fmt(doc.J_after)}`;
    $("status").textContent = `One update: J was ${fmt(doc.J_before)}; ${after}.`;
  });
  $("btn-train").addEventListener("click", train);
  $("btn-reset").addEventListener("click", async () => {
    training = false;
    cursor = -1;
    row = 0;
    clearAnswers();
    if (await send("/api/reset")) $("status").textContent = START_STATUS;
  });
  $("settings").addEventListener("submit", (e) => { e.preventDefault(); send("/api/settings", settingsBody()); });
  $("btn-load").addEventListener("click", () => {
    cursor = -1;
    clearAnswers();
    send("/api/example", { name: $("example").value });
  });
  $("btn-upload").addEventListener("click", upload);
  $("btn-check").addEventListener("click", checkQuiz);
  $("quiz-toggle").addEventListener("change", (e) => setQuiz(e.target.checked));
  $("cost-log").addEventListener("change", renderCosts);
  $("row").addEventListener("change", (e) => { row = Number(e.target.value); renderDiagram(); });
  $("editor").addEventListener("submit", commitEdit);
  $("editor-cancel").addEventListener("click", closeEditor);
  $("editor").addEventListener("keydown", (e) => { if (e.key === "Escape") closeEditor(); });
  document.addEventListener("keydown", keys);
  try {
    for (const a of document.querySelectorAll("a.export")) a.href = api(a.getAttribute("href"));
    const r = await fetch(api("/api/state"));
    const doc = await r.json();
    if (!r.ok || doc.error) { message(doc.error || `${r.status} ${r.statusText}`); return; }
    show(doc);
  } catch (err) {
    message(NO_SERVER);
    return;
  }
  document.body.setAttribute("data-ready", "true");
}
document.addEventListener("DOMContentLoaded", start);
