// The playground's quiz mode: the computed values leave the page, blank inputs
// take their place, and the typed answers are graded by the server (cr.check).
// Loaded before app.js, whose state, send, message and render functions it uses.
//
// While quiz mode is on, no element carries a hidden value: the step cards
// show the formula and an empty input (no equation with the numbers put in,
// no value), the diagram shows "?" (no data-value, no text, no title), and a
// wrong answer's reason names where it is wrong, not the expected number.
"use strict";

let quiz = false;      // quiz mode on
let answers = {};      // symbol -> the text typed, kept across redraws
let lastQuiz = null;   // the last grading of the current state

// Whether the value of `symbol` (a step's name, "W1'" included) is hidden:
// in quiz mode every computed value is; the given values stay shown.
function hidden(symbol) {
  if (!quiz) return false;
  const s = stepOf(symbol);
  return !s || s.phase !== "given";
}

// The blank input a hidden step shows instead of its value.
function answerBox(s) {
  const box = el("div", { class: "answer" });
  const label = el("label", {}, `Your value of ${s.name || s.symbol}: `);
  const input = el("input", {
    class: "answer-input", "data-answer": s.symbol, autocomplete: "off",
    spellcheck: "false", "aria-label": `answer for ${s.symbol}`, size: "18",
  });
  input.value = answers[s.symbol] || "";
  input.addEventListener("input", () => { answers[s.symbol] = input.value; });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") { e.preventDefault(); checkQuiz(); }
  });
  label.append(input);
  box.append(label, el("span", { class: "verdict", "data-verdict": s.symbol }));
  return box;
}

function setQuiz(on) {
  quiz = on;
  document.body.classList.toggle("quiz", on);
  $("quiz-panel").hidden = !on;
  $("quiz-toggle").checked = on;
  if (!state) return;
  showDescription();
  renderSteps();  // draws the diagram too
  showQuiz(lastQuiz);
}

function clearAnswers() {
  answers = {};
  lastQuiz = null;
}

async function checkQuiz() {
  const typed = {};
  for (const [k, v] of Object.entries(answers)) {
    if (v.trim() && stepOf(k)) typed[k] = v.trim();
  }
  if (!Object.keys(typed).length) { message("Type at least one answer first."); return; }
  const focused = document.activeElement && document.activeElement.dataset.answer;
  const doc = await send("/api/quiz", { answers: typed });
  if (doc && focused) {  // the redraw replaced the input the student was in
    document.querySelector(`.answer-input[data-answer="${CSS.escape(focused)}"]`)?.focus();
  }
}

function showQuiz(q) {
  if (!q || !quiz) { $("quiz-score").textContent = ""; return; }
  $("quiz-score").textContent = `Score: ${Math.round(100 * q.score)}% ` +
    `(${q.items.filter((i) => i.ok).length} of ${q.items.length} right)`;
  for (const it of q.items) {
    const v = document.querySelector(`[data-verdict="${CSS.escape(it.symbol)}"]`);
    if (!v) continue;
    v.textContent = it.ok ? " ✓ right" : ` ✗ ${it.reason || "wrong"}`;
    v.className = `verdict ${it.ok ? "ok" : "wrong"}`;
  }
}
