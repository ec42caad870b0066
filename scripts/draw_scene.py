#!/usr/bin/env python3
"""Draws the sample picture of Assets/samples/photos/scene.png: a procedural landscape (sky
gradient, fractal clouds and hills, a house with windows and a striped roof, grass texture) with
the smooth areas, edges and fine texture a denoiser meets in photos. Deterministic (seed 7).

    python3 scripts/draw_scene.py Assets/samples/photos/scene.png
"""
import sys
import numpy as np
from PIL import Image

W, H = 480, 320
rng = np.random.default_rng(7)


def fractal(h, w, octaves=6, persistence=0.55):
    """Sum of upsampled random grids: smooth large structure plus finer detail, in [0, 1]."""
    out = np.zeros((h, w))
    amp, total = 1.0, 0.0
    for o in range(octaves):
        gh, gw = 2 + 2 ** o, 3 + 2 ** o
        grid = rng.random((gh, gw))
        img = np.array(Image.fromarray((grid * 255).astype(np.uint8)).resize((w, h), Image.BICUBIC), dtype=float) / 255
        out += amp * img
        total += amp
        amp *= persistence
    return out / total


y, x = np.mgrid[0:H, 0:W]
sky = np.stack([0.35 + 0.3 * y / H, 0.55 + 0.25 * y / H, 0.85 + 0.1 * y / H], axis=-1)
clouds = np.clip((fractal(H, W) - 0.5) * 3, 0, 1)[..., None]
img = sky * (1 - clouds * 0.8) + clouds * 0.8 * np.array([0.97, 0.97, 0.98])
sun = ((x - 400) ** 2 + (y - 60) ** 2) < 26 ** 2
img[sun] = [1.0, 0.93, 0.6]
ridge = 190 + 40 * fractal(1, W, 5)[0] - 20
hills = y > ridge[None, :]
tex = fractal(H, W, 7, 0.7)[..., None]
img = np.where(hills[..., None], np.array([0.25, 0.45, 0.2]) * (0.6 + 0.8 * tex), img)
grass = y > 255
blades = (np.sin(x * 1.7 + 3 * fractal(H, W, 4)) * 0.5 + 0.5)[..., None]
img = np.where(grass[..., None], np.array([0.3, 0.55, 0.22]) * (0.55 + 0.6 * blades * tex), img)
house = (x > 90) & (x < 210) & (y > 190) & (y < 290)
img[house] = [0.85, 0.8, 0.7]
roof = (y > 140) & (y <= 190) & (np.abs(x - 150) < (y - 140) * 1.4)
img[roof] = np.where(((y[roof] // 6) % 2 == 0)[:, None], [0.6, 0.2, 0.15], [0.5, 0.15, 0.12])
for wx in (105, 165):
    win = (x > wx) & (x < wx + 30) & (y > 210) & (y < 245)
    img[win] = [0.2, 0.3, 0.45]
    img[win & ((x == wx + 15) | (y == 227))] = [0.9, 0.9, 0.9]
door = (x > 138) & (x < 162) & (y > 245) & (y < 290)
img[door] = [0.4, 0.25, 0.15]
img = np.clip(img, 0, 1)
Image.fromarray((img * 255 + 0.5).astype(np.uint8)).save(sys.argv[1] if len(sys.argv) > 1 else "scene.png")
