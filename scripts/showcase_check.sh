#!/usr/bin/env bash
# The showcase from outside, on a real socket: `browser OUT` (headless Chromium on every page,
# scripts/showcase_browser.py) or `load OUT` (wrk at 64 connections for $SECONDS_UNDER_LOAD s with
# every answer checked against the serial one, RSS before and after, then hostile requests).
# Starts .build/release/deepmedia-showcase on a free port and stops it at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?usage: showcase_check.sh browser|load OUT}; out=${2:?usage: showcase_check.sh browser|load OUT}
mkdir -p "$out"
server=.build/release/deepmedia-showcase
log="$out/server.log"
"$server" --port 0 > "$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "http://" "$log" && break; sleep 0.2; done
url=$(grep -o "http://[0-9.]*:[0-9]*" "$log" | head -1)
[ -n "$url" ] || { echo "the server did not start:"; cat "$log"; exit 1; }
echo "server $url (pid $pid)"
rss() { awk '/VmRSS/ {print $2 " kB"}' /proc/$pid/status; }

if [ "$mode" = browser ]; then
  # Three digits said by an espeak-ng voice the tagger never heard, for the file input.
  .build/release/audio-tagger collect --voices en-us+klatt3 --variants 1 --out "$out/voice" > /dev/null
  python3 scripts/digit_sequence.py "$out/voice" "3 1 4" "$out/three-digits.wav" > /dev/null
  python3 scripts/showcase_browser.py "$url" "$out" "$out/three-digits.wav"
  exit
fi

seconds=${SECONDS_UNDER_LOAD:-60}
work=$(mktemp -d); trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
report="$out/load.txt"; : > "$report"
say() { echo "$*" | tee -a "$report"; }
say "deepmedia-showcase under load: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(date -u +%F)"
# The serial answers, each asked alone, then warm-up.
cp Assets/samples/digits/7.png "$work/digit.png"
printf '{"prime": "ROMEO:", "length": 100, "temperature": 0.8, "seed": 3}' > "$work/text.json"
curl -sf -X POST --data-binary @"$work/digit.png" "$url/api/classifier/predict?epsilon=0.1" -o "$work/digit.expected"
curl -sf -X POST -H 'Content-Type: application/json' --data-binary @"$work/text.json" "$url/api/charrnn/generate" -o "$work/text.expected"
for _ in $(seq 20); do
  curl -sf -X POST --data-binary @"$work/digit.png" "$url/api/classifier/predict?epsilon=0.1" -o /dev/null
  curl -sf -X POST -H 'Content-Type: application/json' --data-binary @"$work/text.json" "$url/api/charrnn/generate" -o /dev/null
done
say "RSS after warm-up: $(rss)"
# Both routes at once, 32 connections each, every answer compared with the serial one.
BODY_FILE="$work/digit.png" EXPECTED_FILE="$work/digit.expected" CONTENT_TYPE=image/png \
  wrk -t2 -c32 -d"${seconds}s" --timeout 30s -s scripts/showcase_wrk.lua "$url/api/classifier/predict?epsilon=0.1" > "$work/wrk-digit.txt" &
w1=$!
BODY_FILE="$work/text.json" EXPECTED_FILE="$work/text.expected" CONTENT_TYPE=application/json \
  wrk -t2 -c32 -d"${seconds}s" --timeout 30s -s scripts/showcase_wrk.lua "$url/api/charrnn/generate" > "$work/wrk-text.txt" &
w2=$!
sleep $((seconds / 2)); say "RSS half-way: $(rss)"
wait $w1 $w2
say "classifier predict (32 connections): $(grep RESULT "$work/wrk-digit.txt" | cut -d' ' -f2-)"
say "char-rnn generate, 100 characters (32 connections): $(grep RESULT "$work/wrk-text.txt" | cut -d' ' -f2-)"
say "RSS after the load: $(rss)"

# Hostile and broken requests: each must be a 4xx with a JSON error line.
code() { curl -s -o "$work/answer" -w "%{http_code}" "$@"; }
expect() {  # expect STATUS WHAT CURL-ARGS...
  local want=$1 what=$2; shift 2
  local got; got=$(code "$@")
  local line; line=$(head -c 160 "$work/answer")
  if [ "$got" = "$want" ]; then say "ok   $got $what: $line"; else say "FAIL $got (wanted $want) $what: $line"; fails=$((fails + 1)); fi
}
fails=0
head -c 50000000 /dev/urandom > "$work/big.bin"
expect 413 "50 MB upload" -X POST --data-binary @"$work/big.bin" "$url/api/classifier/predict"
python3 -c "import struct, zlib, sys
raw = zlib.compress(bytes(12001) * 12000, 9)   # 12000x12000 black, gray 8-bit: 144 megapixels in ~140 kB
chunk = lambda t, d: struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
sys.stdout.buffer.write(b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 12000, 12000, 8, 0, 0, 0, 0)) + chunk(b'IDAT', raw) + chunk(b'IEND', b''))" > "$work/bomb.png"
expect 400 "a 140 kB PNG of 144 megapixels" -X POST --data-binary @"$work/bomb.png" "$url/api/denoiser/denoise"
python3 -c "import wave
w = wave.open('$work/hours.wav', 'wb'); w.setnchannels(1); w.setsampwidth(1); w.setframerate(1000)
w.writeframes(bytes([128]) * 15_000_000); w.close()"
expect 400 "15 MB of 8-bit audio at 1 kHz (4.2 hours)" -X POST --data-binary @"$work/hours.wav" "$url/api/tagger/tag"
head -c 3000 /dev/urandom > "$work/noise.png"
expect 400 "random bytes named .png" -X POST --data-binary @"$work/noise.png" "$url/api/classifier/predict"
head -c 700 Assets/samples/photos/scene.png > "$work/cut.png"
expect 400 "a PNG cut short" -X POST --data-binary @"$work/cut.png" "$url/api/denoiser/denoise"
expect 400 "a text file as audio" -X POST --data-binary @README.md "$url/api/tagger/tag"
{ head -c 44 "$out/../demo/digits.wav" 2>/dev/null || printf 'RIFF\x24\x00\x00\x00WAVEfmt '; head -c 2000 /dev/urandom; } > "$work/corrupt.wav"
expect 400 "a WAV header and noise bytes" -X POST --data-binary @"$work/corrupt.wav" "$url/api/tagger/tag?threshold=0.9"
expect 400 "JSON with a wrong type" -X POST -H 'Content-Type: application/json' -d '{"length": "long"}' "$url/api/charrnn/generate"
expect 400 "JSON missing a field" -X POST -H 'Content-Type: application/json' -d '{"x": 1}' "$url/api/denoiser/decode"
expect 400 "not JSON" -X POST -H 'Content-Type: application/json' -d 'hello' "$url/api/lab"
expect 400 "a number out of range" -X POST -H 'Content-Type: application/json' -d '{"count": 100000}' "$url/api/gan/sample"
expect 404 "path traversal in a sample name" -X POST "$url/api/denoiser/denoise?sample=../../etc/passwd"
expect 400 "path traversal in the URL" --path-as-is "$url/../../etc/passwd"
expect 400 "encoded path traversal" --path-as-is "$url/%2e%2e/%2e%2e/etc/passwd"
expect 404 "an unknown route" "$url/api/passwd"
# 1,000 connections opened and dropped: half after a partial request, half right away.
python3 - "$url" <<'PY'
import socket, sys
host, port = sys.argv[1][len("http://"):].split(":")
for i in range(1000):
    s = socket.create_connection((host, int(port)))
    if i % 2: s.sendall(b"POST /api/classifier/predict HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n\x89PNG")
    s.close()
PY
expect 200 "health after 1,000 dropped connections" "$url/api/health"
# A stream reader that goes away after 0.1 s of the 0.45 s that 2,000 characters take: the
# generation stops (no CPU spent in the second after it left).
got=$(curl -s -N --max-time 0.1 "$url/api/charrnn/stream?length=2000" | grep -c '^data: "' || true)
t0=$(awk '{print $14 + $15}' /proc/$pid/stat); sleep 1; t1=$(awk '{print $14 + $15}' /proc/$pid/stat)
say "a stream reader left after $got of 2000 characters; CPU ticks in the next second: $((t1 - t0)) (100 per core-second)"
expect 200 "health after the dropped stream" "$url/api/health"
say "RSS at the end: $(rss); upload folder entries left: $(find /tmp -maxdepth 2 -path '*deepmedia-showcase-'$pid'*' -type f | wc -l)"
say "hostile requests failed: $fails"
[ "$fails" -eq 0 ]
