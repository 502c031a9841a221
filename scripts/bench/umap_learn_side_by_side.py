#!/usr/bin/python3
"""Side-by-side: umap-learn (Debian's umap-learn package) against `rssviz-cli umap` on
the same .npy inputs, default settings (15 neighbours, min_dist 0.1, spectral init,
seed 42). Prints, per input, the wall time of each (umap-learn: first call with numba
compilation and a second call; rssviz-cli: whole process, median of --runs) and the
trustworthiness (15 neighbours) both by scikit-learn's function.

usage: umap_learn_side_by_side.py CLI X.npy [X2.npy ...] [--runs 3]
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import tempfile
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-umap-learn", action="store_true")
    a = ap.parse_args()
    from sklearn.manifold import trustworthiness
    for path in a.inputs:
        X = np.load(path)
        print(f"== {path}: {X.shape[0]} x {X.shape[1]}")
        if not a.skip_umap_learn:
            import umap
            for call in ("first", "second"):
                c0 = time.process_time()
                t0 = time.perf_counter()
                Y = umap.UMAP(n_neighbors=15, min_dist=0.1, random_state=42).fit_transform(X)
                dt = time.perf_counter() - t0
                dc = time.process_time() - c0
                print(f"umap-learn {umap.__version__ if hasattr(umap, '__version__') else ''} {call} call: "
                      f"{dt:.2f} s (CPU {dc:.2f} s), trustworthiness {trustworthiness(X, Y, n_neighbors=15):.4f}")
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "y.npy")
            walls, cpus, report = [], [], None
            for _ in range(a.runs):
                c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                t0 = time.perf_counter()
                r = subprocess.run([a.cli, "umap", "--in", path, "--out", out, "--json"], check=True,
                                   capture_output=True, text=True)
                walls.append(time.perf_counter() - t0)
                c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpus.append(c1.ru_utime - c0.ru_utime + c1.ru_stime - c0.ru_stime)
                report = json.loads(r.stdout)
            Y = np.load(out)
            print(f"rssviz-cli: whole process median {statistics.median(walls):.3f} s of {a.runs} "
                  f"(runs {', '.join(f'{w:.3f}' for w in walls)}), CPU time median {statistics.median(cpus):.3f} s, "
                  f"load average {os.getloadavg()[0]:.1f}, its own seconds {report['seconds']:.3f}, "
                  f"trustworthiness {report['trustworthiness']} (sklearn: {trustworthiness(X, Y, n_neighbors=15):.4f})")


if __name__ == "__main__":
    main()
