#!/usr/bin/env python3
"""The portable (packaged) build against the -march=native build on this machine: the same
rssviz-cli workloads run by both, alternately (native, portable, portable, native, ...),
so that the load of a shared machine falls on both alike; whole-process wall and
processor (user + system) seconds of each, their medians over the rounds, and the
ratios portable / native. Processor time is the steadier figure on a loaded machine (a
waiting process uses none). Standard library only.

    scripts/bench_portable.py build/native/app/cli/rssviz-cli build/release/app/cli/rssviz-cli [--rounds 7]

Also checks that both builds print the same training results and write the same UMAP
embedding bit for bit (both run the x86-64-v3 kernels on an AVX2 machine).
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

WORKLOADS = [  # name, arguments (single-threaded: processor time = the work done)
    ("bench esn (protocol, 1000 units)", ["bench", "esn", "--threads", "1", "--runs", "3"]),
    ("bench lstm (35 epochs)", ["bench", "lstm", "--threads", "1", "--runs", "1"]),
    ("umap of A (1 773 x 1 001)", ["umap", "--in", "{A}", "--out", "{out}", "--threads", "1"]),
    ("bench explore (slider -> map)", ["bench", "explore", "--threads", "1", "--values", "5"]),
]


def run(cli, args, env):
    t0 = time.perf_counter()
    p = subprocess.Popen([cli] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out, err = p.communicate()
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"bench_portable: {cli} {' '.join(args)} failed ({p.returncode}): {err.decode()}")
    return wall, out


def timed(cli, args, env):
    """Wall and processor seconds of one run (processor time of the child from getrusage)."""
    before = os.times()
    wall, out = run(cli, args, env)
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu, out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("native")
    ap.add_argument("portable")
    ap.add_argument("--rounds", type=int, default=7)
    a = ap.parse_args()
    env = dict(os.environ, OMP_NUM_THREADS="1")
    with tempfile.TemporaryDirectory() as tmp:
        A = os.path.join(tmp, "A.npy")
        subprocess.run([a.native, "bench", "umap", "--esn", "200", "--save", A, "--runs", "1"], check=True,
                       stdout=subprocess.DEVNULL, env=env)
        builds = {"native": a.native, "portable": a.portable}
        for name, cli in builds.items():
            v = subprocess.run([cli, "--version"], check=True, capture_output=True, text=True).stdout.strip()
            print(f"{name}: {v}")
        # Same results, bit for bit.
        outs = {}
        for name, cli in builds.items():
            y = os.path.join(tmp, f"Y-{name}.npy")
            subprocess.run([cli, "umap", "--in", A, "--out", y, "--threads", "1"], check=True,
                           stdout=subprocess.DEVNULL, env=env)
            train = subprocess.run([cli, "train", "--model", "esn", "--seed", "2", "--json"], check=True,
                                   capture_output=True, env=env).stdout
            lstm = subprocess.run([cli, "train", "--model", "lstm", "--epochs", "3", "--seed", "2", "--json"],
                                  check=True, capture_output=True, env=env).stdout
            with open(y, "rb") as f:
                outs[name] = (f.read(), train, lstm)
        same = [x == y for x, y in zip(outs["native"], outs["portable"])]
        print(f"identical results: umap embedding {same[0]}, esn train {same[1]}, lstm train {same[2]}")

        times = {(w, b): ([], []) for w, _ in WORKLOADS for b in builds}
        for r in range(a.rounds):
            order = ["native", "portable"] if r % 2 == 0 else ["portable", "native"]
            for w, args in WORKLOADS:
                for b in order:
                    args_r = [x.format(A=A, out=os.path.join(tmp, "Y.npy")) for x in args]
                    wall, cpu, _ = timed(builds[b], args_r, env)
                    times[(w, b)][0].append(wall)
                    times[(w, b)][1].append(cpu)
            print(f"round {r + 1}/{a.rounds} done", file=sys.stderr)
        print(f"\n{a.rounds} rounds, medians (s); ratio = portable / native")
        print("| workload | native wall | portable wall | wall ratio | native cpu | portable cpu | cpu ratio |")
        print("|---|---|---|---|---|---|---|")
        for w, _ in WORKLOADS:
            nw, nc = (statistics.median(x) for x in times[(w, "native")])
            pw, pc = (statistics.median(x) for x in times[(w, "portable")])
            print(f"| {w} | {nw:.3f} | {pw:.3f} | {pw / nw:.3f} | {nc:.3f} | {pc:.3f} | {pc / nc:.3f} |")


if __name__ == "__main__":
    main()
