#!/usr/bin/env python3
"""PyTorch's speed on the denoiser's video work, for the comparison in the denoiser's notes: the
same network as a DeepMedia checkpoint (DnCNN, optionally on 2x2 pixel-unshuffled sub-images, or
the residual U-Net of Sources/Models/UNetDenoiser.swift) with its weights, loaded strictly by name, run on every colour channel of N frames of W x H, as `denoiser denoise` does
(whole frames; DeepMedia tiles frames larger than 256 pixels). Prints frames per second.

    python3 scripts/torch_denoise_video.py Assets/models/photo-denoiser.safetensors --width 640 --height 360 --frames 10 --threads 2
"""
import argparse, json, struct, time
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import load_file


def metadata(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        return json.loads(f.read(n)).get("__metadata__", {})


class DnCNN(nn.Module):
    def __init__(self, depth, width, downscale):
        super().__init__()
        io = downscale * downscale
        layers = [nn.Conv2d(io, width, 3, padding=1), nn.ReLU()]
        for _ in range(depth - 2):
            layers += [nn.Conv2d(width, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU()]
        layers.append(nn.Conv2d(width, io, 3, padding=1))
        self.net = nn.Sequential(*layers)
        self.r = downscale

    def forward(self, x):
        if self.r == 1:
            return x - self.net(x)
        return x - F.pixel_shuffle(self.net(F.pixel_unshuffle(x, self.r)), self.r)


def blocks(c, n):
    out = []
    for _ in range(n):
        out += [nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c), nn.ReLU()]
    return out


class UNet(nn.Module):
    """DeepMedia's UNetDenoiser, same parameter names (inc, down1.., up1.., dec0.., outc)."""
    def __init__(self, width, levels):
        super().__init__()
        self.levels = levels
        self.inc = nn.Sequential(nn.Conv2d(1, width, 3, padding=1), nn.ReLU(), *blocks(width, 1))
        for l in range(levels):
            c = width << l
            setattr(self, f"down{l + 1}", nn.Sequential(nn.Conv2d(c, 2 * c, 2, stride=2), nn.ReLU(), *blocks(2 * c, 2)))
            setattr(self, f"up{l + 1}", nn.ConvTranspose2d(2 * c, c, 2, stride=2))
            setattr(self, f"dec{l}", nn.Sequential(*blocks(c, 1 if l == 0 else 2)))
        self.outc = nn.Conv2d(width, 1, 3, padding=1)

    def forward(self, x):
        a = 1 << self.levels
        h, w = x.shape[-2:]
        xp = F.pad(x, (0, -w % a, 0, -h % a), mode="replicate")
        skips = [self.inc(xp)]
        for l in range(self.levels):
            skips.append(getattr(self, f"down{l + 1}")(skips[l]))
        y = skips[-1]
        for l in reversed(range(self.levels)):
            y = getattr(self, f"dec{l}")(getattr(self, f"up{l + 1}")(y) + skips[l])
        return (xp - self.outc(y))[..., :h, :w]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--width", type=int, default=640)
    ap.add_argument("--height", type=int, default=360)
    ap.add_argument("--frames", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    m = metadata(a.model)
    if m.get("arch") == "unet":
        net = UNet(int(m["channels"]), int(m["levels"]))
    else:
        net = DnCNN(int(m["depth"]), int(m["channels"]), int(m.get("downscale", "1")))
    net.load_state_dict({k: v for k, v in load_file(a.model).items() if not k.endswith("num_batches_tracked")}, strict=True)
    net.eval()
    frames = torch.rand(a.frames, 3, a.height, a.width)
    with torch.inference_mode():
        net(frames[:1, :1])   # warm-up
        t0 = time.perf_counter()
        for f in frames:
            net(f.unsqueeze(1))   # the three channels as a batch of gray pictures
        dt = time.perf_counter() - t0
    print(json.dumps({"framework": "torch", "torch": torch.__version__, "threads": a.threads, "frames": a.frames,
                      "size": f"{a.width}x{a.height}", "frames_per_s": a.frames / dt}))


if __name__ == "__main__":
    main()
