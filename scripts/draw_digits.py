#!/usr/bin/env python3
"""Draws the sample digits of Assets/samples/digits: 0-9 as pen strokes, rendered like MNIST
(white on black, 20x20 box centred in 28x28, anti-aliased), with the standard library only.

    python3 scripts/draw_digits.py Assets/samples/digits
"""
import math, os, struct, sys, zlib


def arc(cx, cy, rx, ry, a0, a1, n=24):
    return [(cx + rx * math.cos(math.radians(a0 + (a1 - a0) * i / n)), cy + ry * math.sin(math.radians(a0 + (a1 - a0) * i / n))) for i in range(n + 1)]


# Strokes in a unit box, y pointing down; each digit is a list of polylines.
DIGITS = {
    0: [arc(0.5, 0.5, 0.3, 0.45, 0, 360)],
    1: [[(0.35, 0.22), (0.58, 0.05), (0.58, 0.95)]],
    2: [arc(0.5, 0.3, 0.3, 0.25, 180, 360)[:-3] + [(0.72, 0.45), (0.2, 0.95), (0.85, 0.95)]],
    3: [arc(0.48, 0.28, 0.3, 0.23, 200, 450), arc(0.48, 0.72, 0.33, 0.23, 270, 520)],
    4: [[(0.66, 0.95), (0.66, 0.05), (0.12, 0.66), (0.88, 0.66)]],
    5: [[(0.8, 0.05), (0.28, 0.05), (0.24, 0.45)] + arc(0.48, 0.66, 0.32, 0.28, 240, 500)[1:]],
    6: [[(0.7, 0.05), (0.36, 0.45)] + arc(0.5, 0.7, 0.26, 0.25, 200, 560)],
    7: [[(0.15, 0.05), (0.85, 0.05), (0.42, 0.95)]],
    8: [arc(0.5, 0.27, 0.22, 0.21, 0, 360), arc(0.5, 0.72, 0.27, 0.23, 0, 360)],
    9: [arc(0.48, 0.3, 0.25, 0.24, 0, 360), [(0.73, 0.3), (0.64, 0.95)]],
}


def render(strokes, size=28, box=20, scale=4, width=0.11):
    big = size * scale
    off = (size - box) / 2
    segs = []
    for line in strokes:
        pts = [((off + x * box) * scale, (off + y * box) * scale) for x, y in line]
        segs += list(zip(pts, pts[1:]))
    r = width * box * scale
    img = [0.0] * (big * big)
    for y in range(big):
        for x in range(big):
            px, py = x + 0.5, y + 0.5
            for (ax, ay), (bx, by) in segs:
                dx, dy = bx - ax, by - ay
                t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy or 1)))
                if (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2 <= r * r:
                    img[y * big + x] = 1.0
                    break
    out = []
    for y in range(size):
        for x in range(size):
            s = sum(img[(y * scale + j) * big + x * scale + i] for j in range(scale) for i in range(scale))
            out.append(int(round(255 * s / (scale * scale))))
    return out


def write_png(path, w, h, gray):
    rows = b"".join(b"\0" + bytes(gray[y * w:(y + 1) * w]) for y in range(h))
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "Assets/samples/digits"
    os.makedirs(out, exist_ok=True)
    for d, strokes in DIGITS.items():
        write_png(os.path.join(out, f"{d}.png"), 28, 28, render(strokes))
    print(f"wrote 10 digits to {out}")


if __name__ == "__main__":
    main()
