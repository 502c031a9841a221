#!/usr/bin/python3
"""Side-by-side timing for `rssviz-cli bench esn`: the same protocol hand-batched in NumPy.

Not a test and not a dependency: run by hand, with NumPy on an optimised BLAS
(`apt-get install python3-numpy libopenblas0-pthread`), to compare in one sitting:

    build/release/app/cli/rssviz-cli corpus --objects 4 --seed 1 > /tmp/c4.tsv
    scripts/bench_esn_numpy.py /tmp/c4.tsv [--runs 5] [--dtype float32|float64]

It times what the C++ protocol times: build the reservoir (1000 units, the paper's
settings), harvest the END states of the 2000 train + test sentences (all sentences
advanced together, longest first, so a sentence leaves the batch after its END; every
token costs a full product: no prefix sharing), fit the ridge readout in float64 by
Cholesky, and predict the test outputs. The teachers are random (the scoring is the C++
side's job): the timing does not depend on their values.
"""
import argparse
import statistics
import time

import numpy as np


def load(path):
    rows = [line.rstrip("\n").split("\t") for line in open(path, encoding="utf-8")][1:]
    words = {}
    seqs = []
    for _, sentence, _ in rows:
        toks = ["BEGIN"] + sentence.split() + ["END"]
        seqs.append([words.setdefault(w, len(words)) for w in toks])
    return seqs, len(words)


def protocol(seqs, vocab, dtype, rng):
    n, density, conn, sr, a, ridge = 1000, 0.85, 0.1, 1.1, 0.05, 10 ** -3.5
    t0 = time.perf_counter()
    w = rng.uniform(-1, 1, (n, n)) * (rng.random((n, n)) < density)
    w = (w * (sr / np.sqrt(n * density / 3))).astype(dtype)
    win = (np.where(rng.random((n, vocab)) < 0.5, -1.0, 1.0) * (rng.random((n, vocab)) < conn)).astype(dtype)
    bias = (np.where(rng.random(n) < 0.5, -1.0, 1.0) * (rng.random(n) < conn)).astype(dtype)
    t1 = time.perf_counter()

    order = sorted(range(len(seqs)), key=lambda s: -len(seqs[s]))
    lengths = np.array([len(seqs[s]) for s in order])
    tokens = np.zeros((len(seqs), lengths.max()), dtype=np.int64)
    for i, s in enumerate(order):
        tokens[i, : len(seqs[s])] = seqs[s]
    wt = np.ascontiguousarray(w.T)
    wint = np.ascontiguousarray(win.T)
    x = np.zeros((len(seqs), n), dtype=dtype)  # one row per sentence
    end = np.zeros((len(seqs), n), dtype=dtype)
    for t in range(lengths.max()):
        m = int((lengths > t).sum())  # sentences still reading (longest first)
        xm = x[:m]
        pre = xm @ wt
        pre += wint[tokens[:m, t]]
        pre += bias
        xm *= 1 - a
        xm += a * np.tanh(pre)
        done = lengths[:m] == t + 1
        end[:m][done] = xm[done]
    states = np.empty_like(end)
    states[order] = end
    t2 = time.perf_counter()

    half = len(seqs) // 2
    xt = np.hstack([np.ones((half, 1)), states[:half].astype(np.float64)])
    y = (rng.random((half, 22)) < 0.15).astype(np.float64)
    g = xt.T @ xt + ridge * np.eye(n + 1)
    c = np.linalg.cholesky(g)
    wout = np.linalg.solve(c.T, np.linalg.solve(c, xt.T @ y)).T
    t3 = time.perf_counter()
    out = np.hstack([np.ones((half, 1)), states[half:].astype(np.float64)]) @ wout.T
    t4 = time.perf_counter()
    assert np.isfinite(out).all()
    return t1 - t0, t2 - t1, t3 - t2, t4 - t3


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("tsv")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    a = p.parse_args()
    seqs, vocab = load(a.tsv)
    rng = np.random.default_rng(1)
    runs = [protocol(seqs, vocab, np.dtype(a.dtype), rng) for _ in range(a.runs)]
    med = [statistics.median(r[i] for r in runs) for i in range(4)]
    tokens = sum(len(s) for s in seqs)
    print(
        f"numpy {a.dtype}: median total {sum(med) * 1e3:.1f} ms (build {med[0] * 1e3:.1f}, harvest "
        f"{med[1] * 1e3:.1f}, fit {med[2] * 1e3:.1f}, predict {med[3] * 1e3:.1f}); harvest "
        f"{2e-9 * 1000 * 1000 * tokens / med[1]:.1f} GFLOP/s over {tokens} tokens; min total "
        f"{min(sum(r) for r in runs) * 1e3:.1f} ms"
    )


if __name__ == "__main__":
    main()
