#!/usr/bin/env python3
"""Markdown tables of an rssviz experiment results file (docs/FORMATS.md): per swept
value and model, the mean over seeds of the valid and exact error (with min-max), the
RMSE and the median processor and wall seconds. Standard library only.

    scripts/experiment_table.py docs/results/objects.tsv [--values 3,4,10,20,50]
"""
import argparse
import csv
import json
import statistics
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tsv")
    ap.add_argument("--values", help="only these swept values (comma-separated)")
    a = ap.parse_args()
    with open(a.tsv, newline="") as f:
        first = f.readline()
        if not first.startswith("# rssviz experiment "):
            sys.exit(f"{a.tsv}: not an rssviz experiment results file")
        ident = json.loads(first[len("# rssviz experiment "):])
        rows = list(csv.DictReader(f, delimiter="\t"))
    kind = ident["experiment"]
    key = {"objects": "objects", "training-size": "train_sentences", "units": "units", "search": "trial"}[kind]
    keep = set(int(v) for v in a.values.split(",")) if a.values else None
    groups = {}
    for r in rows:
        v = int(r[key])
        if keep is not None and v not in keep:
            continue
        groups.setdefault((v, r["model"]), []).append(r)
    models = ident["models"]
    print(f"| {key} | model | seeds | valid error, mean (min-max) | exact error, mean (min-max) | RMSE | CPU s (median) | wall s (median) |")
    print("|---|---|---|---|---|---|---|---|")
    for v in sorted(set(k[0] for k in groups)):
        for m in models:
            g = groups.get((v, m))
            if not g:
                continue
            ve = [100 * float(r["valid_error"]) for r in g]
            ee = [100 * float(r["exact_error"]) for r in g]
            rm = [float(r["rmse"]) for r in g]
            cpu = [float(r["train_cpu_seconds"]) for r in g]
            wall = [float(r["train_wall_seconds"]) for r in g]
            print(f"| {v} | {m} | {len(g)} | {statistics.mean(ve):.2f} % ({min(ve):.1f}-{max(ve):.1f}) | "
                  f"{statistics.mean(ee):.2f} % ({min(ee):.1f}-{max(ee):.1f}) | {statistics.mean(rm):.3f} | "
                  f"{statistics.median(cpu):.3f} | {statistics.median(wall):.3f} |")


if __name__ == "__main__":
    main()
