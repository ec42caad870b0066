"""Writes Tests/Fixtures/optim/lr_schedules_long.json: PyTorch's schedulers stepped for 3 x T_max
epochs (past T_max, where CosineAnnealingLR rises again). Run with torch 2.13:

    python3 scripts/make_schedule_fixtures.py
"""
import json
import os
import torch

BASE, EPOCHS = 0.1, 30
OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "optim", "lr_schedules_long.json")
makers = {
    "StepLR": lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5),
    "CosineAnnealingLR": lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=1e-3),
    "LinearLR_warmup": lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=5),
    "ExponentialLR": lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9),
}
out = {"base_lr": BASE, "epochs": EPOCHS, "torch": torch.__version__, "schedules": {}}
for name, make in makers.items():
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=BASE)
    sched = make(opt)
    lrs = []
    for _ in range(EPOCHS):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    out["schedules"][name] = lrs
with open(OUT, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", OUT, out["schedules"]["CosineAnnealingLR"][10:13])
