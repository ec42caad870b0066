"use strict";
// Char-RNN page: /api/charrnn/stream as server-sent events, one character each; cells from /api/charrnn/cells.
const out = document.getElementById("out"), temp = document.getElementById("temp");
const colour = document.getElementById("colour"), cellPick = document.getElementById("cell");
let source = null, cells = null, seed = 1;
temp.oninput = () => document.getElementById("tempv").textContent = (+temp.value).toFixed(2);

document.getElementById("go").onclick = () => {
  stop(); showError(null); cells = null; colour.checked = false; cellPick.disabled = true;
  const prime = document.getElementById("prime").value;
  out.textContent = prime;
  document.body.dataset.state = "writing";
  const q = new URLSearchParams({ prime, temperature: temp.value, length: document.getElementById("length").value, seed: seed++ });
  source = new EventSource("/api/charrnn/stream?" + q);
  document.getElementById("stop").disabled = false;
  source.onmessage = e => { out.textContent += JSON.parse(e.data); };
  source.addEventListener("done", () => { stop(); document.body.dataset.state = "done"; });
  source.onerror = () => { if (source) { stop(); checkError(q); } };
};
document.getElementById("stop").onclick = stop;
function stop() { if (source) source.close(); source = null; document.getElementById("stop").disabled = true; }
// An EventSource hides the status; ask once more as JSON to show the server's error line.
async function checkError(q) {
  try { await api("/api/charrnn/generate", { json: { prime: q.get("prime"), temperature: +q.get("temperature"), length: 1 } }); }
  catch (e) { showError(e); }
}

colour.onchange = async () => {
  if (!colour.checked) { out.textContent = out.textContent; return; }
  try {
    if (!cells) {
      cells = await api("/api/charrnn/cells", { json: { text: out.textContent } });
      cellPick.innerHTML = cells.cells.map((c, i) => `<option value="${i}">layer ${c.layer}, cell ${c.index}</option>`).join("");
    }
    cellPick.disabled = false; paint();
  } catch (e) { showError(e); colour.checked = false; }
};
cellPick.onchange = paint;
// Each character's background from blue (-1) through white to red (+1).
function paint() {
  const c = cells.cells[+cellPick.value];
  document.getElementById("why").textContent = `layer ${c.layer}, cell ${c.index}: ${c.reason}`;
  out.innerHTML = "";
  cells.characters.forEach((ch, i) => {
    const v = Math.max(-1, Math.min(1, c.values[i])), s = document.createElement("span");
    const k = Math.round(255 * (1 - Math.abs(v)));
    s.style.background = v > 0 ? `rgb(255,${k},${k})` : `rgb(${k},${k},255)`;
    s.title = v.toFixed(2); s.textContent = ch; out.appendChild(s);
  });
  document.body.dataset.coloured = "yes";
}
