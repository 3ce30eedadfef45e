// The playground's Data view: a toy 2-D data set, the network's output over the
// plane (decision regions) redrawn while the server trains, the losses, and
// the derivation of the current minibatch one click away. Every number comes
// from the server (/api/regions: Network.fit, Network.predict, Network.cost);
// this file only draws. Loaded after app.js ($, api, el, svg, fmt, costScale,
// show, cursor, row).
"use strict";

const dv = {
  doc: null,        // the last /api/regions payload (settings, points, losses, grid)
  playing: false,
  frames: [],       // milliseconds of each frame: the request and the drawing
  shown: 0,         // payloads drawn: a frame asked for before the last one is stale
  queue: Promise.resolve(),  // the settings requests, one after another
  pending: 0,       // settings requests not answered yet
};
// class 0 orange, class 1 blue (TensorFlow Playground's colours); white at 0.5
const CLASS_RGB = [[245, 147, 34], [8, 119, 189]];

function dvMessage(text) { $("dv-message").textContent = text || ""; }

async function dvSend(path, body = {}) {
  let r, doc;
  try {
    r = await fetch(api(path), {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await r.text();
    try { doc = JSON.parse(text); } catch (err) { doc = { error: text.trim() }; }
  } catch (err) {
    dvMessage(NO_SERVER);
    return null;
  }
  if (!r.ok || doc.error) {
    dvMessage(doc.error || `${r.status} ${r.statusText}`);
    return null;
  }
  dvMessage("");
  return doc;
}

// ------------------------------------------------------------- the picture
function regionColour(p) {  // ŷ in [0, 1]: orange, white at 0.5, blue
  const [r, g, b] = CLASS_RGB[p >= 0.5 ? 1 : 0];
  const t = Math.min(1, Math.abs(p - 0.5) * 2) * 0.75;  // strength, never opaque
  return [255 + (r - 255) * t, 255 + (g - 255) * t, 255 + (b - 255) * t];
}
function drawRegions() {
  const c = $("regions"), ctx = c.getContext("2d"), W = c.width, H = c.height;
  const grid = dv.doc.grid, n = grid.size;
  const small = document.createElement("canvas");
  small.width = n; small.height = n;
  const img = small.getContext("2d").createImageData(n, n);
  grid.values.forEach((p, k) => {
    const [r, g, b] = regionColour(p);
    img.data.set([r, g, b, 255], 4 * k);
  });
  small.getContext("2d").putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small, 0, 0, W, H);
  const at = (x1, x2) => [(x1 + grid.extent) / (2 * grid.extent) * W,
    (grid.extent - x2) / (2 * grid.extent) * H];
  ctx.strokeStyle = "rgba(0,0,0,0.15)";  // the axes x₁ = 0 and x₂ = 0
  ctx.beginPath();
  ctx.moveTo(W / 2, 0); ctx.lineTo(W / 2, H); ctx.moveTo(0, H / 2); ctx.lineTo(W, H / 2);
  ctx.stroke();
  for (const [set, filled] of [["test", false], ["train", true]]) {
    for (const [x1, x2, y] of dv.doc[set]) {
      const [px, py] = at(x1, x2), rgb = `rgb(${CLASS_RGB[y > 0.5 ? 1 : 0].join(",")})`;
      ctx.beginPath();
      ctx.arc(px, py, filled ? 4 : 4.5, 0, 2 * Math.PI);
      if (filled) {
        ctx.fillStyle = rgb; ctx.fill();
        ctx.lineWidth = 1; ctx.strokeStyle = "#fff"; ctx.stroke();
      } else {
        ctx.lineWidth = 2.2; ctx.strokeStyle = rgb; ctx.stroke();
      }
    }
  }
  ctx.fillStyle = "#333"; ctx.font = "12px system-ui, sans-serif";
  ctx.fillText(`x₁ from −${grid.extent} to ${grid.extent}`, 6, H - 6);
  ctx.save(); ctx.translate(14, H - 130); ctx.rotate(-Math.PI / 2);
  ctx.fillText("x₂ ↑", 0, 0); ctx.restore();
  c.dataset.frame = String(Number(c.dataset.frame || 0) + 1);
}

function drawLosses() {
  const c = $("loss-chart"), L = dv.doc.losses, log = $("loss-log").checked;
  c.textContent = "";
  const last = L.train.length - 1;
  $("dv-epoch").textContent = String(dv.doc.epochs);
  $("dv-train-loss").textContent = fmt(L.train[last], 5);
  $("dv-test-loss").textContent = fmt(L.test[last], 5);
  for (const [id, v] of [["dv-train-loss", L.train[last]], ["dv-test-loss", L.test[last]]]) {
    $(id).dataset.value = String(v);
  }
  const sc = costScale(L.train.concat(L.test), log);
  const e0 = L.epoch[0], e1 = Math.max(L.epoch[last], e0 + 1);
  const x = (e) => 62 + (330 * (e - e0)) / (e1 - e0);
  c.append(svg("line", { x1: 60, y1: 140, x2: 394, y2: 140, stroke: "#999" }),
    svg("line", { x1: 60, y1: 8, x2: 60, y2: 140, stroke: "#999" }),
    svg("text", { x: 56, y: 16, "text-anchor": "end", class: "lbl" }, fmt(sc.hi, 3)),
    svg("text", { x: 56, y: 140, "text-anchor": "end", class: "lbl" }, fmt(sc.lo, 3)),
    svg("text", { x: 227, y: 156, "text-anchor": "middle", class: "lbl" },
      `epochs ${e0} to ${L.epoch[last]}: training (solid), test (dashed)` +
      (log ? "; logarithmic" : "")));
  for (const set of ["train", "test"]) {
    const pts = L[set].map((J, i) => `${x(L.epoch[i]).toFixed(1)},${(10 + 130 * sc.at(J)).toFixed(1)}`);
    c.append(svg("polyline", { points: pts.join(" "), fill: "none", "stroke-width": 2,
      class: `loss-${set}`, "data-count": String(pts.length) }));
  }
}

// ------------------------------------------------------------- the forms
// The form from the server's settings; a text field with the focus is left
// as typed when `typing` (an answer to an earlier change must not undo it).
function fillForm(s, typing = false) {
  const choices = dv.doc.choices;
  for (const [id, list] of [["dv-dataset", choices.dataset], ["dv-activation", choices.activation]]) {
    const sel = $(id);
    if (!sel.options.length) for (const v of list) sel.append(el("option", { value: v }, v));
  }
  $("dv-dataset").value = s.dataset;
  $("dv-activation").value = s.activation;
  $("dv-noise").value = String(s.noise);
  $("dv-n").value = String(s.n);
  $("dv-share").value = String(s.train_share);
  const texts = [["dv-seed", String(s.seed)], ["dv-hidden", s.hidden.join(", ")],
    ["dv-lr", String(s.learning_rate)], ["dv-batch", String(s.batch_size)]];
  for (const [id, text] of texts) {
    if (!(typing && document.activeElement === $(id))) $(id).value = text;
  }
  showOutputs();
}
function describe() {  // the network and the data the server holds
  const sizes = dv.doc.sizes.join("-");
  $("dv-shape").textContent = sizes;
  $("dv-sizes").textContent = `The network: ${sizes}; sigmoid output, cross-entropy ` +
    `cost; at most ${dv.doc.limits.hidden_layers} hidden layers of ` +
    `${dv.doc.limits.units} units. ${dv.doc.train.length} training and ` +
    `${dv.doc.test.length} test points.`;
}
function showOutputs() {
  $("dv-noise-out").textContent = Number($("dv-noise").value).toFixed(2);
  $("dv-n-out").textContent = $("dv-n").value;
  $("dv-share-out").textContent = `${Math.round(100 * Number($("dv-share").value))} %`;
}
// A typed number as a number; anything else as typed, for the server to
// refuse by name ("seed: expected an integer from 0 to …, got ''").
function typed(text) {
  const t = text.trim(), x = Number(t);
  return t !== "" && Number.isFinite(x) ? x : t;
}
function formSettings() {
  const hidden = $("dv-hidden").value.trim();
  const sizes = hidden ? hidden.split(/[\s,]+/).map(typed) : [];
  return {
    dataset: $("dv-dataset").value, noise: Number($("dv-noise").value),
    n: Number($("dv-n").value), train_share: Number($("dv-share").value),
    seed: typed($("dv-seed").value), hidden: sizes,
    activation: $("dv-activation").value, learning_rate: typed($("dv-lr").value),
    batch_size: typed($("dv-batch").value),
  };
}
function showAll(doc, refill = true) {
  dv.doc = doc;
  dv.shown += 1;
  if (refill) fillForm(doc.settings, true);
  describe();
  drawRegions();
  drawLosses();
}
// Settings go one request after another, each with the form as it is when
// sent; the form is refilled from the server's answer only when no later
// change waits (so an answer never overwrites what is being typed).
function applySettings() {
  dv.pending += 1;
  $("dv-form").dataset.pending = String(dv.pending);
  dv.queue = dv.queue.then(async () => {
    const doc = await dvSend("/api/regions/settings", formSettings());
    dv.pending -= 1;
    $("dv-form").dataset.pending = String(dv.pending);
    if (doc) showAll(doc, dv.pending === 0);
    else if (dv.doc && dv.pending === 0) fillForm(dv.doc.settings);  // refused: what holds
  });
  return dv.queue;
}

// ------------------------------------------------------------- training
function epochsPerFrame() {
  const k = Number($("dv-epochs").value);
  if (Number.isInteger(k) && k >= 1) return k;
  dvMessage(`epochs per frame: expected a whole number of at least 1, got ` +
    JSON.stringify($("dv-epochs").value));
  return null;
}
async function frame() {  // one request, then the drawing; its time is recorded
  const k = epochsPerFrame();
  if (k === null) return false;
  const t0 = performance.now(), asked = dv.shown;
  const doc = await dvSend("/api/regions/train", { epochs: k });
  if (!doc) return false;
  if (asked !== dv.shown) return true;  // new data or network meanwhile: drawn already
  dv.doc.epochs = doc.epochs;
  dv.doc.grid = doc.grid;
  const L = dv.doc.losses;  // the frame's losses appended, as many kept as the server keeps
  for (const k of Object.keys(L)) {
    L[k].push(doc.loss[k]);
    L[k].splice(0, Math.max(0, L[k].length - dv.doc.limits.losses));
  }
  drawRegions();
  drawLosses();
  dv.frames.push(performance.now() - t0);
  if (dv.frames.length > 1000) dv.frames.shift();
  return true;
}
function setPlaying(on) {
  dv.playing = on;
  $("dv-play").textContent = on ? "Pause" : "Play";
  $("dv-play").setAttribute("aria-pressed", String(on));
}
async function play() {
  if (dv.playing) { setPlaying(false); return; }
  setPlaying(true);
  $("dv-status").textContent = "Training: each frame trains on the server, then draws.";
  while (dv.playing && await frame()) {
    await new Promise((r) => requestAnimationFrame(r));
  }
  setPlaying(false);
  $("dv-status").textContent = `Paused at epoch ${dv.doc.epochs}.`;
}

// -------------------------------------------------- the derivation, one click
async function derive() {
  setPlaying(false);
  const doc = await dvSend("/api/regions/derive");
  if (!doc) return;
  cursor = -1;
  row = 0;
  show(doc.main);
  selectView("main");
  $("status").textContent = doc.shown.text;
}

function selectView(name) {
  document.body.classList.toggle("view-data", name === "data");
  for (const [tab, view] of [["tab-main", "main"], ["tab-data", "data"]]) {
    $(tab).setAttribute("aria-selected", String(view === name));
  }
  if (name !== "data") setPlaying(false);
}

async function startData() {
  $("tab-main").addEventListener("click", () => selectView("main"));
  $("tab-data").addEventListener("click", async () => {
    selectView("data");
    if (!dv.doc) {
      try {
        const r = await fetch(api("/api/regions"));
        const doc = await r.json();
        if (!r.ok || doc.error) { dvMessage(doc.error || `${r.status}`); return; }
        showAll(doc);
      } catch (err) { dvMessage(NO_SERVER); return; }
    }
    $("data-view").setAttribute("data-ready", "true");
  });
  for (const id of ["dv-noise", "dv-n", "dv-share"]) $(id).addEventListener("input", showOutputs);
  for (const id of ["dv-dataset", "dv-noise", "dv-n", "dv-share", "dv-seed", "dv-hidden",
    "dv-activation", "dv-lr", "dv-batch"]) $(id).addEventListener("change", applySettings);
  $("dv-form").addEventListener("submit", (e) => { e.preventDefault(); applySettings(); });
  $("dv-play").addEventListener("click", play);
  $("dv-step").addEventListener("click", () => { if (!dv.playing) frame(); });
  $("dv-reset").addEventListener("click", async () => {
    setPlaying(false);
    const doc = await dvSend("/api/regions/reset");
    if (doc) showAll(doc);
  });
  $("dv-derive").addEventListener("click", derive);
  $("loss-log").addEventListener("change", () => { if (dv.doc) drawLosses(); });
}
document.addEventListener("DOMContentLoaded", startData);
