#!/usr/bin/env bash
# Seeds a fuzz corpus folder with small valid files of the target's kind: made here by sox-free
# means (python3's wave/zlib/struct) and, when present, the shared media samples.
set -euo pipefail
target=$1; out=$2
samples=../shared/datasets/media-samples
python3 - "$target" "$out" <<'PY'
import sys, struct, zlib, wave, gzip, os, math
t, out = sys.argv[1], sys.argv[2]
def png(w, h, ct, depth):
    comps = {0: 1, 2: 3, 4: 2, 6: 4}[ct]
    bpc = depth // 8
    raw = b"".join(b"\0" + bytes((x * 7 + y * 3) % 256 for x in range(w * comps * bpc)) for y in range(h))
    chunk = lambda ty, d: struct.pack(">I", len(d)) + ty + d + struct.pack(">I", zlib.crc32(ty + d) & 0xffffffff)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ct, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
if t == "image":
    for ct in (0, 2, 4, 6):
        for d in (8, 16):
            open(os.path.join(out, f"seed-{ct}-{d}.png"), "wb").write(png(9, 7, ct, d))
if t in ("audio", "video"):
    with wave.open(os.path.join(out, "seed.wav"), "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
        w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i * 0.3))) for i in range(800)))
if t == "gzip":
    open(os.path.join(out, "seed.gz"), "wb").write(gzip.compress(b"DeepMedia " * 50))
PY
if [ -d "$samples" ]; then
  case $target in
    image) cp "$samples"/rocket.jpg "$out"/ 2>/dev/null || true ;;
    audio) cp "$samples"/librispeech_198-209-0000.ogg "$out"/ 2>/dev/null || true ;;
    video) cp "$samples"/bbb_excerpt.mp4 "$out"/ 2>/dev/null || true ;;
  esac
fi
chmod -R u+w "$out"
