"use strict";
// Training lab: POST /api/lab makes a model of your own; POST /api/lab/{id}/step trains it a few steps at a time.
const plane = document.getElementById("plane"), pctx = plane.getContext("2d");
const ids = ["layers", "hidden", "dropout", "lr", "momentum", "noise"];
let model = null, running = false;

function value(id) { const v = +document.getElementById(id).value; return id === "lr" ? Math.pow(10, v) : v; }
for (const id of ids) {
  const el = document.getElementById(id), label = el.nextElementSibling;
  const show = () => label.textContent = id === "lr" ? value(id).toPrecision(2) : el.value;
  el.addEventListener("input", show); show();
  el.addEventListener("change", () => { if (model) reset(); });
}
document.getElementById("dataset").onchange = () => reset();
document.getElementById("bn").onchange = () => reset();

async function reset() {
  running = false; document.getElementById("start").textContent = "Train";
  if (model) api(`/api/lab/${model.id}`, { method: "DELETE" }).catch(() => {});
  try {
    model = await api("/api/lab", { json: {
      dataset: document.getElementById("dataset").value, layers: value("layers"), hidden: value("hidden"),
      dropout: value("dropout"), batch_norm: document.getElementById("bn").checked, lr: value("lr"),
      momentum: value("momentum"), noise: value("noise") } });
    showError(null); paint(model.state);
  } catch (e) { showError(e); }
}

async function loop() {
  while (running && model) {
    try { paint((await api(`/api/lab/${model.id}/step`, { json: { steps: 20 } })).state); }
    catch (e) { showError(e); running = false; document.getElementById("start").textContent = "Train"; }
  }
}
document.getElementById("start").onclick = () => {
  running = !running;
  document.getElementById("start").textContent = running ? "Pause" : "Train";
  if (running) loop();
};
document.getElementById("reset").onclick = reset;

// The boundary as a 40x40 picture stretched over the canvas, then the points.
function paint(s) {
  const g = s.grid_size, img = pctx.createImageData(g, g);
  s.boundary.forEach((p, i) => {
    img.data[4 * i] = 31 + (255 - 31) * p; img.data[4 * i + 1] = 119 + (127 - 119) * p; img.data[4 * i + 2] = 180 + (14 - 180) * p; img.data[4 * i + 3] = 110;
  });
  const tmp = document.createElement("canvas"); tmp.width = g; tmp.height = g; tmp.getContext("2d").putImageData(img, 0, 0);
  pctx.clearRect(0, 0, plane.width, plane.height);
  pctx.imageSmoothingEnabled = true; pctx.drawImage(tmp, 0, 0, plane.width, plane.height);
  for (const [x, y, c] of model.points) {
    pctx.fillStyle = c ? "#ff7f0e" : "#1f77b4"; pctx.strokeStyle = "#fff";
    pctx.beginPath(); pctx.arc((x + s.extent) / (2 * s.extent) * plane.width, (s.extent - y) / (2 * s.extent) * plane.height, 4, 0, 2 * Math.PI);
    pctx.fill(); pctx.stroke();
  }
  document.getElementById("stats").textContent = `step ${s.step}, loss ${s.loss == null ? "-" : s.loss.toFixed(3)}, accuracy ${(100 * s.accuracy).toFixed(1)} %`;
  document.body.dataset.step = s.step; document.body.dataset.accuracy = s.accuracy.toFixed(3);
}
reset();
