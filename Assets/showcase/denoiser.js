"use strict";
// Denoiser page: /api/denoiser/denoise (a sample by name or a dropped file), /api/denoiser/latent and /decode.
const sample = document.getElementById("sample"), sigma = document.getElementById("sigma");
let dropped = null;

const run = latestOnly(async () => {
  const query = { sigma: sigma.value };
  if (!dropped) query.sample = sample.value;
  const a = await api("/api/denoiser/denoise", { query, body: dropped || undefined, method: "POST" });
  showError(null);
  for (const id of ["noisy", "denoised"]) {
    const img = document.getElementById(id);
    img.src = a[id]; img.classList.toggle("small", a.width < 200);   // small pictures shown as pixels
  }
  document.getElementById("npsnr").textContent = a.noisy_psnr.toFixed(2) + " dB";
  document.getElementById("dpsnr").textContent = a.psnr.toFixed(2) + " dB";
  document.body.dataset.psnr = a.psnr.toFixed(2);
});
sigma.oninput = () => { document.getElementById("sigmav").textContent = sigma.value; run(); };
sample.onchange = () => { dropped = null; run(); };
acceptDrops(document.getElementById("drop"), f => { dropped = f; run(); });

api("/api/denoiser/samples").then(a => {
  sample.innerHTML = a.samples.map(s => `<option>${s}</option>`).join("");
  if (a.samples.includes("scene.png")) sample.value = "scene.png";
  run();
}).catch(showError);

// The latent map: manifold picture behind, dots on top; a click decodes that place.
const map = document.getElementById("map"), mctx = map.getContext("2d");
let latent = null;
api("/api/denoiser/latent").then(m => {
  latent = m;
  const img = new Image();
  img.onload = () => {
    mctx.imageSmoothingEnabled = false; mctx.globalAlpha = 0.55; mctx.drawImage(img, 0, 0, map.width, map.height); mctx.globalAlpha = 1;
    for (const p of m.points) {
      const [x, y] = toCanvas(p.x, p.y);
      mctx.fillStyle = CLASS_COLORS[p.label % 10]; mctx.beginPath(); mctx.arc(x, y, 3, 0, 2 * Math.PI); mctx.fill();
    }
    document.getElementById("legend").innerHTML = CLASS_COLORS.map((c, k) => `<span style="color:${c}">&#9679; ${k}</span>`).join("");
    document.body.dataset.latent = m.points.length;
  };
  img.src = m.manifold;
}).catch(showError);
function toCanvas(x, y) {
  return [(x - latent.x_range[0]) / (latent.x_range[1] - latent.x_range[0]) * map.width,
          (latent.y_range[1] - y) / (latent.y_range[1] - latent.y_range[0]) * map.height];
}
map.addEventListener("click", async e => {
  if (!latent) return;
  const r = map.getBoundingClientRect();
  const x = latent.x_range[0] + (e.clientX - r.left) / r.width * (latent.x_range[1] - latent.x_range[0]);
  const y = latent.y_range[1] - (e.clientY - r.top) / r.height * (latent.y_range[1] - latent.y_range[0]);
  try {
    const a = await api("/api/denoiser/decode", { json: { x, y } });
    document.getElementById("decoded").src = a.image;
    document.getElementById("code").textContent = `code (${x.toFixed(2)}, ${y.toFixed(2)})`;
    document.body.dataset.decoded = "yes";
  } catch (err) { showError(err); }
});
