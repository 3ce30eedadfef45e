// The playground page's forms: the settings, the data, and the editor of one
// value (a weight, a bias, an input or a target). Loaded before app.js, whose
// state, send, message and element helpers it uses; it computes nothing.
"use strict";

// ------------------------------------------------------------- the forms
function fillSelect(sel, names, chosen, labels = {}) {
  sel.textContent = "";
  for (const n of names) {
    const o = el("option", { value: n }, labels[n] || n);
    if (n === chosen) o.selected = true;
    sel.append(o);
  }
}
function notationChoice() {  // the notation control's value for the settings
  const s = state.settings;
  return s.convention === "column" ? "column" : s.notation;
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
  const labels = Object.fromEntries(ch.notation.map((c) => [c.value, c.label]));
  fillSelect($("set-notation"), ch.notation.map((c) => c.value), notationChoice(), labels);
  const ex = $("example");
  if (!ex.options.length) {
    for (const [name, title] of Object.entries(state.examples)) {
      ex.append(el("option", { value: name }, `${name}: ${title}`));
    }
  }
  // the example on show, when it is one (its title says which)
  const shown = Object.entries(state.examples).find(([, t]) => t === state.explanation.title);
  if (shown) ex.value = shown[0];
  const lim = state.limits;
  $("limits").textContent = `Limits: at most ${lim.units} units per layer, ` +
    `${lim.weight_layers} weight layers, ${lim.rows} examples, ` +
    `${lim.train_steps} updates per Train request.`;
  const n = stepOf("X").shape[columnView() ? 1 : 0];  // the examples
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
  const choice = state.choices.notation.find((c) => c.value === $("set-notation").value);
  return {
    sizes, activation, loss: $("set-loss").value,
    bias: $("set-bias").checked, learning_rate: Number($("set-lr").value),
    notation: choice.notation, convention: choice.convention,
  };
}

// ------------------------------------------------------------- editing
let editing = null;
function edit(anchor, symbol, index, value) {
  const form = $("editor");
  editing = { symbol, index, anchor, inDiagram: Boolean(anchor.closest("#diagram")) };
  const name = elementName(symbol, ...index);
  $("editor-label").textContent = `${name} = `;
  const input = $("editor-input");
  input.value = String(value);
  input.setAttribute("aria-label", `new value of ${name}`);
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
  const { symbol, index, inDiagram } = editing;
  const raw = $("editor-input").value.trim();
  const value = Number(raw);
  if (raw === "" || !Number.isFinite(value)) {
    message(`${elementName(symbol, ...index)}: expected a number, got ${JSON.stringify(raw)}`);
    return;
  }
  const path = symbol === "X" || symbol === "y" ? "/api/data" : "/api/param";
  closeEditor();
  if (await send(path, { name: symbol, index, value })) {
    refocus(symbol, index, inDiagram);
  }
}
// After a redraw, the focus goes back to the element just changed (its new
// element), so that a keyboard user can go on from where they were.
function refocus(symbol, index, inDiagram) {
  const at = `[data-symbol="${CSS.escape(symbol)}"][data-index="${index.join(",")}"]`;
  const e = inDiagram
    ? document.querySelector(`#diagram ${at}[tabindex]`)
    : document.querySelector(`#steps ${at}`)?.closest("button");
  if (e) e.focus();
}

// ------------------------------------------------------------- the data
async function upload() {
  const f = $("csv-file").files[0];
  if (!f) { message("Choose a CSV file first."); $("csv-file").focus(); return; }
  if (!$("csv-target").value.trim()) {
    message("Name the target column (the one the network predicts) first.");
    $("csv-target").focus();
    return;
  }
  const cap = 64 * 1024;
  if (f.size > cap) {
    message(`The CSV file is ${f.size} bytes; the playground takes at most ${cap}.`);
    return;
  }
  const csv = await f.text();
  cursor = -1;
  clearAnswers();
  await send("/api/upload", { csv, target: $("csv-target").value });
}
