// DeepMedia showcase: the helpers every page uses. No build step, no libraries.
"use strict";

// Calls the JSON API. opts: {json: object} (POST as JSON), {body: Blob} (POST as bytes),
// {query: object}, {method}. Resolves to the parsed answer; rejects with the server's error line.
async function api(path, opts = {}) {
  const q = opts.query ? "?" + new URLSearchParams(opts.query) : "";
  const init = { method: opts.method || (opts.json || opts.body ? "POST" : "GET"), headers: {} };
  if (opts.json) { init.body = JSON.stringify(opts.json); init.headers["Content-Type"] = "application/json"; }
  if (opts.body) { init.body = opts.body; init.headers["Content-Type"] = "application/octet-stream"; }
  const r = await fetch(path + q, init);
  const answer = await r.json().catch(() => ({ error: r.statusText }));
  if (!r.ok) throw new Error(answer.error || r.statusText);
  return answer;
}

// Shows an error line in the page's .error element (or clears it).
function showError(e) {
  const el = document.querySelector(".error");
  if (el) el.textContent = e ? String(e.message || e) : "";
  if (e) console.error(e);
}

// Bars of [{class, probability}] into an element.
function drawBars(el, top) {
  el.innerHTML = "";
  for (const t of top) {
    const row = document.createElement("div");
    const pct = (100 * t.probability).toFixed(1);
    row.innerHTML = `<span class="name"></span><span class="bar" style="width:${Math.max(2, 2.5 * pct)}px"></span><span>${pct} %</span>`;
    row.querySelector(".name").textContent = t.class;
    el.appendChild(row);
  }
}

// Calls fn at most once at a time: a call while one runs is kept and run after it (the latest wins).
function latestOnly(fn) {
  let running = false, pending = null;
  return async function run(...args) {
    if (running) { pending = args; return; }
    running = true;
    try { await fn(...args); } catch (e) { showError(e); }
    running = false;
    if (pending) { const a = pending; pending = null; run(...a); }
  };
}

// Lets files be dropped on an element; calls onFile(file).
function acceptDrops(el, onFile) {
  el.addEventListener("dragover", e => { e.preventDefault(); el.classList.add("over"); });
  el.addEventListener("dragleave", () => el.classList.remove("over"));
  el.addEventListener("drop", e => {
    e.preventDefault(); el.classList.remove("over");
    if (e.dataTransfer.files.length) onFile(e.dataTransfer.files[0]);
  });
}

// Colours of classes 0..9 (tab10), for dots and legends.
const CLASS_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

// The header of every page: the suite's name and a link per program, the current one marked.
const PAGES = [["classifier.html", "Digits"], ["charrnn.html", "Char-RNN"], ["denoiser.html", "Denoiser"],
               ["tagger.html", "Audio tagger"], ["gan.html", "GAN"], ["lab.html", "Training lab"]];
document.addEventListener("DOMContentLoaded", () => {
  const h = document.createElement("header");
  const here = location.pathname.split("/").pop();
  h.innerHTML = `<h1><a href="index.html">DeepMedia</a></h1><nav>` +
    PAGES.map(([href, name]) => `<a href="${href}"${href === here ? ' class="here"' : ""}>${name}</a>`).join("") + `</nav>`;
  document.body.prepend(h);
});
