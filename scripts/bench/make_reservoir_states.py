#!/usr/bin/python3
"""Stand-in reservoir states for the UMAP benchmarks (until core/esn can export them).

A 1000-unit leaky tanh ESN with the paper's settings (leak 0.05, spectral radius 1.1 as
expected radius of a density-0.85 uniform matrix, input weights +-1 with connectivity
0.1, a bias input) reads one-hot tokens (BEGIN, the words, END) of CSL test sentences
from `rssviz-cli corpus`. The extended state [1; x] after every token is collected and
duplicate rows are dropped, then saved as float32 .npy. Outputs are regenerated, never
committed.

usage: make_reservoir_states.py CLI OUT.npy [--objects 4] [--seed 1 [2 ...]] [--sentences 200]
       [--split test|all] [--reservoir-seed 1234] [--pick spread|first]
"""
import argparse
import subprocess

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("out")
    ap.add_argument("--objects", type=int, default=4)
    ap.add_argument("--seed", type=int, nargs="+", default=[1],
                    help="corpus seed(s); several seeds pool their sentences (for inputs of ~20 000 states)")
    ap.add_argument("--sentences", type=int, default=200)
    ap.add_argument("--split", default="test", choices=["test", "all"])
    ap.add_argument("--reservoir-seed", type=int, default=1234)
    ap.add_argument("--pick", default="spread", choices=["spread", "first"],
                    help="spread: every (N/sentences)-th sentence of the split (the test split lists "
                         "its 300 one-object sentences first, so 'first' gets no two-object ones)")
    a = ap.parse_args()

    rows = []
    for seed in a.seed:
        tsv = subprocess.run([a.cli, "corpus", "--objects", str(a.objects), "--seed", str(seed), "--validation"],
                             check=True, capture_output=True, text=True).stdout
        rows += [line.split("\t") for line in tsv.strip().split("\n")[1:]]
    all_sentences = [r[1].split() for r in rows]
    pool = [r[1].split() for r in rows if a.split == "all" or r[0] == "test"]
    if a.pick == "first" or a.sentences >= len(pool):
        chosen = pool[: a.sentences]
    else:
        step = len(pool) / a.sentences
        chosen = [pool[int(i * step)] for i in range(a.sentences)]
    vocab = ["BEGIN", "END"] + sorted({w for s in all_sentences for w in s})
    index = {w: i for i, w in enumerate(vocab)}

    rng = np.random.default_rng(a.reservoir_seed)
    n, density, sr, leak = 1000, 0.85, 1.1, 0.05
    W = rng.uniform(-1.0, 1.0, (n, n)) * (rng.random((n, n)) < density)
    # Expected spectral radius of a random matrix with i.i.d. entries of variance
    # density * 1/3: sqrt(n * density / 3) (circular law).
    W *= sr / np.sqrt(n * density / 3.0)
    n_in = 1 + len(vocab)
    Win = rng.choice([-1.0, 1.0], (n, n_in)) * (rng.random((n, n_in)) < 0.1)

    states = []
    for s in chosen:
        x = np.zeros(n)
        for w in ["BEGIN"] + s + ["END"]:
            u = np.zeros(n_in)
            u[0] = 1.0
            u[1 + index[w]] = 1.0
            x = (1 - leak) * x + leak * np.tanh(Win @ u + W @ x)
            states.append(np.concatenate(([1.0], x)))
    S = np.asarray(states, dtype=np.float32)
    S = np.unique(S, axis=0)  # identical prefixes give identical states
    np.save(a.out, np.ascontiguousarray(S))
    print(f"{a.out}: {S.shape[0]} unique states x {S.shape[1]} dims from {len(chosen)} sentences")


if __name__ == "__main__":
    main()
