"use strict";
// GAN page: /api/gan/sample (class, seed, offsets along 4 directions), /api/gan/interpolate played as frames.
const cls = document.getElementById("cls"), sliders = document.getElementById("sliders");
let seed = 1, timer = null;
for (let d = 0; d < 4; d++) {
  sliders.insertAdjacentHTML("beforeend", `<label>direction ${d + 1} <input type="range" min="-3" max="3" step="0.25" value="0" data-d="${d}"></label>`);
}
sliders.querySelectorAll("input").forEach(s => s.oninput = () => draw());

const draw = latestOnly(async () => {
  const offsets = [...sliders.querySelectorAll("input")].map(s => +s.value);
  const json = { seed, count: cls.value === "" ? 50 : 20, offsets };
  if (cls.value !== "") json.class = +cls.value;
  const a = await api("/api/gan/sample", { json });
  showError(null);
  document.getElementById("grid").src = a.grid;
  document.body.dataset.samples = a.labels.length;
});
cls.onchange = () => draw();
document.getElementById("again").onclick = () => { seed++; draw(); };

document.getElementById("play").onclick = async () => {
  try {
    const a = await api("/api/gan/interpolate", { json: {
      from_seed: +document.getElementById("a").value, to_seed: +document.getElementById("b").value,
      from_class: +document.getElementById("ca").value, to_class: +document.getElementById("cb").value, steps: 32 } });
    showError(null);
    let k = 0; clearInterval(timer);
    timer = setInterval(() => {
      const n = a.frames.length;   // there and back: 0, 1, ..., n-1, n-2, ..., 1
      document.getElementById("walk").src = a.frames[k < n ? k : 2 * n - 2 - k];
      k = (k + 1) % (2 * n - 2);
    }, 60);
    document.body.dataset.frames = a.frames.length;
  } catch (e) { showError(e); }
};

api("/api/gan").then(g => {
  for (let c = 0; c < g.classes; c++) {
    for (const s of [cls, document.getElementById("ca"), document.getElementById("cb")]) s.insertAdjacentHTML("beforeend", `<option value="${c}">${c}</option>`);
  }
  document.getElementById("ca").value = "3"; document.getElementById("cb").value = "8";
  draw();
}).catch(showError);
