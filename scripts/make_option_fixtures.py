"""Writes Tests/Fixtures/options/*.safetensors: PyTorch's values and gradients for the loss and
softmax options (class dimension, weights, ignore_index, label smoothing, reductions, softmax over
any dimension). Run with torch 2.13:

    python3 scripts/make_option_fixtures.py
"""
import os
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "options")
os.makedirs(OUT, exist_ok=True)
g = torch.Generator().manual_seed(7)


def rand(*shape):
    return (torch.rand(*shape, generator=g) * 4 - 2).float()


def case(name, x, fn, extra):
    x = x.clone().requires_grad_()
    y = fn(x)
    seed = rand(*y.shape) if y.dim() > 0 else torch.tensor(1.0)
    y.backward(seed)
    save_file({"x": x.detach(), "y": y.detach().reshape(-1) if y.dim() == 0 else y.detach(), "seed": seed.reshape(-1) if y.dim() == 0 else seed,
               "grad": x.grad, **extra}, os.path.join(OUT, name + ".safetensors"))


# Classes in dimension 1: (N, C, d) logits, (N, d) targets.
t = torch.randint(0, 4, (2, 3), generator=g)
case("ce_class_dim1", rand(2, 4, 3), lambda x: F.cross_entropy(x, t), {"targets": t.to(torch.int64)})
# Weights, ignore_index, label smoothing, each reduction.
t = torch.tensor([0, 3, -100, 2, 1])
w = torch.tensor([1.0, 0.5, 2.0, 1.5])
for red in ["mean", "sum", "none"]:
    case(f"ce_options_{red}", rand(5, 4),
         lambda x, red=red: F.cross_entropy(x, t, weight=w, ignore_index=-100, label_smoothing=0.1, reduction=red),
         {"targets": t.to(torch.int64), "weights": w})
# Softmax and log-softmax over a dimension that is not the last.
case("softmax_dim0", rand(3, 4), lambda x: F.softmax(x, dim=0), {})
case("log_softmax_dim1", rand(2, 3, 4), lambda x: F.log_softmax(x, dim=1), {})
# Elementwise losses with reductions none and sum.
target = rand(3, 5)
bce_t = torch.rand(3, 5, generator=g)
for red in ["sum", "none"]:
    case(f"mse_{red}", rand(3, 5), lambda x, red=red: F.mse_loss(x, target, reduction=red), {"target": target})
    case(f"l1_{red}", rand(3, 5), lambda x, red=red: F.l1_loss(x, target, reduction=red), {"target": target})
    case(f"bce_{red}", rand(3, 5), lambda x, red=red: F.binary_cross_entropy_with_logits(x, bce_t, reduction=red), {"target": bce_t})
print("wrote", len(os.listdir(OUT)), "files")

# Pooling options and a rectangular transposed convolution (same file layout: x, y, seed, grad).
x_pool = rand(2, 3, 7, 8)
case("maxpool_dilation_ceil", x_pool, lambda x: F.max_pool2d(x, 3, stride=2, padding=1, dilation=2, ceil_mode=True),
     {"indices": F.max_pool2d(x_pool, 3, stride=2, padding=1, dilation=2, ceil_mode=True, return_indices=True)[1].to(torch.int64)})
case("avgpool_padding", rand(2, 3, 7, 8), lambda x: F.avg_pool2d(x, 3, stride=2, padding=1), {})
w_t = rand(3, 2, 2, 3)
b_t = rand(2)
case("conv_transpose_rect", rand(1, 3, 4, 5), lambda x: F.conv_transpose2d(x, w_t, b_t, stride=(2, 1), padding=(0, 1)),
     {"weight": w_t, "bias": b_t})
print("wrote", len(os.listdir(OUT)), "files")
