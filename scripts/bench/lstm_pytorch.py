#!/usr/bin/python3
"""Side-by-side reference for rssviz's LSTM: the paper's network and training in PyTorch.

Not used by the tests. Needs python3-torch (Debian 1.13) and python3-numpy, installed by
hand. The sentences and their meanings come from `rssviz-cli corpus` (same split as
rssviz for the same seed); the teacher's random fill is drawn here with NumPy, so the
numbers are comparable in distribution, not bit for bit.

  scripts/bench/lstm_pytorch.py --cli build/release/app/cli/rssviz-cli --objects 4 --seeds 1 2 3 4 5

Prints, per seed, the validation curve (every 5 epochs), the test valid/exact errors and
the training time, then one JSON line per seed.
"""
import argparse
import json
import subprocess
import time

import numpy as np
import torch

OBJECTS = ("glass cup bowl orange spoon apple accordion acoustic bagpipes banjo bass bongo bugle cello "
           "clarinet cymbals drums electric guitar flute horn harmonica harp keyboard maracas organ pan "
           "piano recorder saxophone sitar tambourine triangle trombone trumpet tuba ukulele violin "
           "xylophone bassoon castanets didgeridoo double gong harpsichord lute mandolin oboe piccolo viola").split()
POSITIONS = ["left", "right", "middle"]
COLOURS = ["red", "orange", "green", "blue"]


def load_split(cli, n, seed):
    out = subprocess.run([cli, "corpus", "--objects", str(n), "--seed", str(seed), "--validation"],
                         check=True, capture_output=True, text=True).stdout
    rows = [line.split("\t") for line in out.strip().split("\n")[1:]]
    sets = {"train": [], "test": [], "validation": []}
    for split, sentence, meaning in rows:
        preds = []
        for p in meaning.split(";"):
            o, pos, col = p.split(",")
            preds.append((OBJECTS.index(o), -1 if pos == "-" else POSITIONS.index(pos),
                          -1 if col == "-" else COLOURS.index(col)))
        sets[split].append((["BEGIN"] + sentence.split() + ["END"], preds))
    return sets


def teacher(sets, n, rng):
    c = n + 3 + 4
    out = {}
    for name, data in sets.items():
        z = np.zeros((len(data), 2 * c))
        for i, (_, preds) in enumerate(data):
            for s, (o, p, col) in enumerate(preds):
                z[i, s * c + o] = 1
                z[i, s * c + n + (p if p >= 0 else rng.integers(3))] = 1
                z[i, s * c + n + 3 + (col if col >= 0 else rng.integers(4))] = 1
            if len(preds) == 1 and rng.random() < 0.5:
                z[i, c + rng.integers(n)] = 1
                z[i, c + n + rng.integers(3)] = 1
                z[i, c + n + 3 + rng.integers(4)] = 1
        out[name] = z
    return out


def decode_group(y, k):
    p = np.exp(y - y.max())
    p /= p.sum()
    m = int(np.argmax(p))
    return m if p[m] >= 1.3 / k else -1


def scores(y, data, n):
    c = n + 3 + 4
    valid = exact = 0
    for i, (_, preds) in enumerate(data):
        target = list(preds) + [(-1, -1, -1)] * (2 - len(preds))
        ok_v = ok_e = True
        for s in range(2):
            dec = (decode_group(y[i, s * c:s * c + n], n), decode_group(y[i, s * c + n:s * c + n + 3], 3),
                   decode_group(y[i, s * c + n + 3:s * c + c], 4))
            for d, t in zip(dec, target[s]):
                if t >= 0 and d != t:
                    ok_v = False
                if d != t:
                    ok_e = False
        valid += ok_v
        exact += ok_e
    return 1 - valid / len(data), 1 - exact / len(data)


class Net(torch.nn.Module):
    def __init__(self, vocab, hidden, outputs):
        super().__init__()
        self.lstm = torch.nn.LSTM(vocab, hidden, batch_first=True)
        self.out = torch.nn.Linear(hidden, outputs)
        # Keras defaults, as in the paper: Glorot-uniform input weights, orthogonal
        # recurrent weights, forget bias 1, zero elsewhere (PyTorch gate order i, f, g, o).
        torch.nn.init.xavier_uniform_(self.lstm.weight_ih_l0)
        torch.nn.init.orthogonal_(self.lstm.weight_hh_l0)
        with torch.no_grad():
            self.lstm.bias_ih_l0.zero_()
            self.lstm.bias_hh_l0.zero_()
            self.lstm.bias_ih_l0[hidden:2 * hidden] = 1.0
        torch.nn.init.xavier_uniform_(self.out.weight)
        torch.nn.init.zeros_(self.out.bias)

    def forward(self, x, lengths):
        h, _ = self.lstm(x)
        last = h[torch.arange(h.shape[0]), lengths - 1]
        return self.out(last)


def encode(data, vocab):
    longest = max(len(s) for s, _ in data)
    x = torch.zeros(len(data), longest, len(vocab))
    lengths = torch.zeros(len(data), dtype=torch.long)
    for i, (s, _) in enumerate(data):
        for t, w in enumerate(s):
            x[i, t, vocab[w]] = 1
        lengths[i] = len(s)
    return x, lengths


def run(cli, n, seed, epochs, hidden, threads):
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    rng = np.random.default_rng(seed)
    sets = load_split(cli, n, seed)
    vocab = {}
    for data in sets.values():
        for s, _ in data:
            for w in s:
                vocab.setdefault(w, len(vocab))
    z = teacher(sets, n, rng)
    net = Net(len(vocab), hidden, 2 * (n + 7))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    loss_fn = torch.nn.MSELoss()
    xs = {k: encode(v, vocab) for k, v in sets.items()}
    zt = {k: torch.tensor(v, dtype=torch.float32) for k, v in z.items()}
    x_tr, l_tr = xs["train"]
    curve = []
    train_time = 0.0
    for epoch in range(1, epochs + 1):
        t0 = time.perf_counter()
        for b in range(0, len(sets["train"]), 2):
            lb = l_tr[b:b + 2]
            xb = x_tr[b:b + 2, :int(lb.max())]
            opt.zero_grad()
            loss = loss_fn(net(xb, lb), zt["train"][b:b + 2])
            loss.backward()
            opt.step()
        train_time += time.perf_counter() - t0
        with torch.no_grad():
            yv = net(*xs["validation"]).numpy()
        v, e = scores(yv, sets["validation"], n)
        curve.append((epoch, v, e))
        if epoch % 5 == 0 or epoch == 1:
            print(f"seed {seed} epoch {epoch:3d}: validation valid error {100 * v:5.2f} %, exact error {100 * e:5.2f} %")
    with torch.no_grad():
        yt = net(*xs["test"]).numpy()
    v, e = scores(yt, sets["test"], n)
    print(f"seed {seed}: test valid error {100 * v:.2f} %, exact error {100 * e:.2f} %, training {train_time:.1f} s")
    return {"model": "lstm-pytorch", "objects": n, "seed": seed, "valid_error": v, "exact_error": e,
            "train_seconds": train_time, "epochs": epochs, "threads": threads,
            "validation_curve": [[c[0], c[1], c[2]] for c in curve]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", default="build/release/app/cli/rssviz-cli")
    ap.add_argument("--objects", type=int, default=4)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1])
    ap.add_argument("--epochs", type=int, default=35)
    ap.add_argument("--hidden", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    results = [run(a.cli, a.objects, s, a.epochs, a.hidden, a.threads) for s in a.seeds]
    for r in results:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
