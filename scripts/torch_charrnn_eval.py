#!/usr/bin/env python3
"""Loads a char-rnn LSTM checkpoint (safetensors) into the PyTorch peer's own model class and
scores it with the peer's own evaluation (../shared/bench/peers/charlstm_budget.py: batch 1, state
carried through the whole text, unknown characters excluded), on the same validation split.

  python3 scripts/torch_charrnn_eval.py [MODEL] [--train FILE] [--val-fraction 0.1] [--threads 2]

Prints one JSON line: loss_nats_per_char, bits_per_char, chars, seconds.
"""
import argparse, json, math, os, sys, time

import torch
from safetensors import safe_open
from safetensors.torch import load_file

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "shared")
sys.path.insert(0, os.path.join(SHARED, "bench", "peers"))
from charlstm_budget import CharLSTM, evaluate  # noqa: E402  (the peer's class and metric)

ap = argparse.ArgumentParser()
ap.add_argument("model", nargs="?", default=os.path.join(HERE, "..", "Assets", "models", "shakespeare-lstm.safetensors"))
ap.add_argument("--train", default=os.path.join(SHARED, "datasets", "tinyshakespeare", "train.txt"))
ap.add_argument("--val-fraction", type=float, default=0.1)
ap.add_argument("--threads", type=int, default=2)
args = ap.parse_args()
torch.set_num_threads(args.threads)

with safe_open(args.model, "pt") as f:
    meta = f.metadata()
assert meta.get("kind") == "char-rnn" and meta.get("cell") == "lstm", "needs an LSTM char-rnn checkpoint"
chars = list(meta["vocab"])
stoi = {c: i for i, c in enumerate(chars)}
model = CharLSTM(len(chars), int(meta["embedding"]), int(meta["hidden"]), int(meta["layers"]))
model.load_state_dict(load_file(args.model), strict=True)

text = open(args.train, encoding="utf-8").read()
cut = text.rfind("\n", 0, int(len(text) * (1 - args.val_fraction))) + 1
test = text[cut:]
ids = torch.tensor([stoi.get(c, stoi.get(" ", 0)) for c in test], dtype=torch.long)
valid = torch.tensor([c in stoi for c in test], dtype=torch.bool)
t0 = time.time()
loss, count = evaluate(model, ids, valid)
print(json.dumps({"loss_nats_per_char": loss, "bits_per_char": loss / math.log(2), "chars": count,
                  "seconds": round(time.time() - t0, 1), "torch": torch.__version__}))
