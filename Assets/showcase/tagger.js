"use strict";
// Audio tagger page: a recording (MediaRecorder) or a file -> /api/tagger/tag -> spectrogram and segments.
const rec = document.getElementById("rec"), status = document.getElementById("status");
let recorder = null, chunks = [];

const tag = latestOnly(async blob => {
  status.textContent = "tagging...";
  const a = await api("/api/tagger/tag", { body: blob });
  showError(null);
  status.textContent = `${a.duration.toFixed(1)} s, ${a.segments.length} segment(s): ` + (a.segments.map(s => s.tag).join(" ") || "nothing above the threshold");
  document.getElementById("picture").src = a.picture;
  document.getElementById("segments").innerHTML = "<tr><th>from</th><th>to</th><th>tag</th><th>confidence</th></tr>" +
    a.segments.map(s => `<tr><td>${s.start.toFixed(2)} s</td><td>${s.end.toFixed(2)} s</td><td><b>${s.tag}</b></td><td>${(100 * s.confidence).toFixed(0)} %</td></tr>`).join("");
  document.body.dataset.tags = a.segments.map(s => s.tag).join(" ");
});
document.getElementById("file").onchange = e => { if (e.target.files.length) tag(e.target.files[0]); };
acceptDrops(document.getElementById("drop"), f => tag(f));

rec.onclick = async () => {
  if (recorder) { recorder.stop(); return; }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    recorder = new MediaRecorder(stream); chunks = [];
    recorder.ondataavailable = e => chunks.push(e.data);
    recorder.onstop = () => {
      stream.getTracks().forEach(t => t.stop());
      tag(new Blob(chunks, { type: recorder.mimeType })); recorder = null; rec.textContent = "Record";
    };
    recorder.start(); rec.textContent = "Stop"; status.textContent = "recording...";
  } catch (e) { showError(new Error("no microphone: " + e.message + " (the page must be opened as http://127.0.0.1 or over https)")); }
};
