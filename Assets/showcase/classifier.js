"use strict";
// Digits page: strokes on a black canvas -> PNG -> /api/classifier/predict.
const pad = document.getElementById("pad"), ctx = pad.getContext("2d");
let drawing = false, last = null, blob = null;

function clearPad() { ctx.fillStyle = "#000"; ctx.fillRect(0, 0, pad.width, pad.height); }
clearPad();

function point(e) { const r = pad.getBoundingClientRect(); return [(e.clientX - r.left) * pad.width / r.width, (e.clientY - r.top) * pad.height / r.height]; }
pad.addEventListener("pointerdown", e => { drawing = true; last = point(e); pad.setPointerCapture(e.pointerId); stroke(e); });
pad.addEventListener("pointermove", e => { if (drawing) stroke(e); });
pad.addEventListener("pointerup", () => { drawing = false; send(); });
function stroke(e) {
  const p = point(e);
  ctx.strokeStyle = "#fff"; ctx.lineWidth = 20; ctx.lineCap = "round"; ctx.lineJoin = "round";
  ctx.beginPath(); ctx.moveTo(last[0], last[1]); ctx.lineTo(p[0], p[1]); ctx.stroke();
  last = p;
}
document.getElementById("clear").onclick = () => { clearPad(); blob = null; };

const eps = document.getElementById("eps");
eps.oninput = () => { document.getElementById("epsv").textContent = (+eps.value).toFixed(2); if (blob) predict(); };

function send() { pad.toBlob(b => { blob = b; predict(); }, "image/png"); }
acceptDrops(document.getElementById("drop"), f => { blob = f; predict(); });

const predict = latestOnly(async () => {
  const a = await api("/api/classifier/predict", { body: blob, query: { epsilon: eps.value } });
  showError(null);
  drawBars(document.getElementById("top"), a.top);
  document.getElementById("input").src = a.input;
  document.getElementById("saliency").src = a.saliency;
  document.getElementById("adv").src = a.adversarial.image;
  document.getElementById("pert").src = a.adversarial.perturbation;
  drawBars(document.getElementById("advtop"), a.adversarial.top);
  document.body.dataset.top = a.top[0].class;
  document.body.dataset.adversarialTop = a.adversarial.top[0].class;
});
