#!/usr/bin/env python3
"""PyTorch generating text with a char-rnn checkpoint of DeepMedia, one character at a time as
`char-rnn generate` does (embedding, LSTM layers, linear, softmax sampling), for comparing the
batch-1 path. Prints the seconds of the generation loop.

usage: charrnn_generate_torch.py MODEL.safetensors [--length 2000] [--threads 1] [--prime ROMEO:]"""
import argparse, json, struct, time
import numpy as np, torch

p = argparse.ArgumentParser()
p.add_argument("model"); p.add_argument("--length", type=int, default=2000)
p.add_argument("--threads", type=int, default=1); p.add_argument("--prime", default="ROMEO:")
a = p.parse_args()
torch.set_num_threads(a.threads)

with open(a.model, "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]; header = json.loads(f.read(n)); blob = f.read()
meta = header.pop("__metadata__")
tensors = {k: torch.from_numpy(np.frombuffer(blob[v["data_offsets"][0]:v["data_offsets"][1]], dtype=np.float32).reshape(v["shape"]).copy())
           for k, v in header.items()}
vocab, hidden, layers, emb = meta["vocab"], int(meta["hidden"]), int(meta["layers"]), int(meta["embedding"])
assert meta["cell"] == "lstm"

embed = torch.nn.Embedding(len(vocab), emb); lstm = torch.nn.LSTM(emb, hidden, layers, batch_first=True)
fc = torch.nn.Linear(hidden, len(vocab))
embed.load_state_dict({"weight": tensors["embed.weight"]}); fc.load_state_dict({"weight": tensors["fc.weight"], "bias": tensors["fc.bias"]})
lstm.load_state_dict({k[len("lstm."):]: v for k, v in tensors.items() if k.startswith("lstm.")})
for m in (embed, lstm, fc): m.eval()

g = torch.Generator().manual_seed(1)
with torch.no_grad():
    t0 = time.perf_counter()
    x = torch.tensor([[vocab.index(c) for c in a.prime]])
    out, state = lstm(embed(x))
    logits = fc(out[:, -1])
    text = []
    for _ in range(a.length):
        i = torch.multinomial(torch.softmax(logits, -1), 1, generator=g)
        text.append(vocab[i.item()])
        out, state = lstm(embed(i), state)
        logits = fc(out[:, -1])
    seconds = time.perf_counter() - t0
print(json.dumps({"threads": a.threads, "length": a.length, "seconds": round(seconds, 3), "torch": torch.__version__}))
