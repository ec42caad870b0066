"""Writes Tests/Fixtures/autograd/*.safetensors: what PyTorch's autograd gives for the backward
semantics DeepMedia copies (retain_graph, several outputs at once). Run with torch 2.13:

    python3 scripts/make_autograd_fixtures.py
"""
import os
import torch
from safetensors.torch import save_file

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "autograd")
os.makedirs(OUT, exist_ok=True)
g = torch.Generator().manual_seed(2026)


def rand(*shape):
    return (torch.rand(*shape, generator=g) * 2 - 1).float()


# Two backwards through one graph kept with retain_graph=True: the leaf gradients add up.
x = rand(2, 3).requires_grad_()
w = rand(3, 4).requires_grad_()
y = torch.tanh(x @ w).sum()
y.backward(retain_graph=True)
y.backward()
save_file({"x": x.detach(), "w": w.detach(), "x_grad": x.grad, "w_grad": w.grad},
          os.path.join(OUT, "retain_graph.safetensors"))

# torch.autograd.backward of a scalar and a (2, 4) output with its own upstream gradient.
x = rand(2, 3).requires_grad_()
w = rand(3, 4).requires_grad_()
h = torch.tanh(x @ w)
out1 = h.sum()
out2 = h * h
seed2 = rand(2, 4)
torch.autograd.backward([out1, out2], [None, seed2])
save_file({"x": x.detach(), "w": w.detach(), "seed2": seed2, "x_grad": x.grad, "w_grad": w.grad},
          os.path.join(OUT, "several_outputs.safetensors"))

# The second backward without retain_graph raises in PyTorch; this records its message.
x = rand(3).requires_grad_()
y = (x.exp() * x).sum()
y.backward()
try:
    y.backward()
    raise SystemExit("PyTorch accepted a second backward")
except RuntimeError as e:
    assert "second time" in str(e)
print("wrote", sorted(os.listdir(OUT)))
