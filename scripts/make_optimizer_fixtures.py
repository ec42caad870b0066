"""Writes Tests/Fixtures/optim/options/*.safetensors: five steps of PyTorch's optimizers with the
options DeepMedia copies (SGD dampening, RMSProp momentum and centred, Adam and AdamW amsgrad)
on loss = sum(c * (p - t)^2). Run with torch 2.13:

    python3 scripts/make_optimizer_fixtures.py
"""
import os
import torch
from safetensors.torch import save_file

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "optim", "options")
os.makedirs(OUT, exist_ok=True)
g = torch.Generator().manual_seed(11)
p0 = torch.rand(6, generator=g) * 2 - 1
t = torch.rand(6, generator=g) * 2 - 1
c = torch.rand(6, generator=g) + 0.5
cases = {
    "sgd_dampening": lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01),
    "rmsprop_momentum": lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.9, momentum=0.8, weight_decay=0.01),
    "rmsprop_centered": lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.9, centered=True),
    "rmsprop_centered_momentum": lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.9, centered=True, momentum=0.5),
    "adam_amsgrad": lambda ps: torch.optim.Adam(ps, lr=0.05, amsgrad=True, weight_decay=0.01),
    "adamw_amsgrad": lambda ps: torch.optim.AdamW(ps, lr=0.05, amsgrad=True, weight_decay=0.1),
}
for name, make in cases.items():
    p = p0.clone().requires_grad_()
    opt = make([p])
    out = {"p0": p0, "target": t, "coeff": c}
    for k in range(5):
        opt.zero_grad()
        (c * (p - t) ** 2).sum().backward()
        opt.step()
        out[f"p{k + 1}"] = p.detach().clone()
    save_file(out, os.path.join(OUT, name + ".safetensors"))
print("wrote", sorted(os.listdir(OUT)))
