#!/usr/bin/env python3
"""Runs `rssviz-cli units` for several seeds and both models and prints the tables of
docs/ANALYSIS.md (markdown): per-word influence (mean over seeds of the per-seed mean,
and the spread of that mean across seeds), the structure/content ratio of the chosen
unit set against a random control set of the same size, and the polyvalent-unit counts.

  scripts/analysis/units_table.py build/release/app/cli/rssviz-cli --seeds 1 2 3 4 5 > out.md
"""
import argparse
import re
import statistics as st
import subprocess
import sys


def run(cli, model, seed, unit_set, sentences):
    cmd = [cli, "units", "--model", model, "--objects", "4", "--seed", str(seed), "--unit-set", unit_set,
           "--sentences", str(sentences), "--influence-seed", str(seed)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    res = {"raw": out, "influence": {}, "structure": {}}
    section = None
    for line in out.splitlines():
        m = re.match(r"influence (\S+) \((\d+) units", line)
        if m:
            section = m.group(1)
            res["influence"][section] = {}
            res.setdefault("set_size", {})[section] = int(m.group(2))
            continue
        m = re.match(r"structure (\S+): structure-word mean (\S+) \((\d+)\), content-word mean (\S+) \((\d+)\), ratio (\S+)", line)
        if m:
            res["structure"][m.group(1)] = float(m.group(6))
            section = None
            continue
        m = re.match(r"polyvalent units .*: (\d+)$", line)
        if m:
            res["polyvalent"] = int(m.group(1))
        m = re.match(r"test: valid error (\S+) %, exact error (\S+) %", line)
        if m:
            res["valid"], res["exact"] = float(m.group(1)), float(m.group(2))
        m = re.match(r"winglet: the 10 largest \|w\| of an output hold (\S+) %.*?(?:the bias holds (\S+) %)?$", line)
        if m:
            res["top10"] = float(m.group(1))
            res["bias"] = float(m.group(2)) if m.group(2) else None
        if section and line.startswith("  "):
            word, count, mean, std = line.split()
            res["influence"][section][word] = (int(count), float(mean), float(std))
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    ap.add_argument("--sentences", type=int, default=100)
    ap.add_argument("--sets", nargs="+", default=["esn:polyvalent", "esn:all", "lstm:polyvalent"],
                    help="model:unit-set pairs to measure")
    ap.add_argument("--raw", action="store_true", help="also print every run's output")
    a = ap.parse_args()
    for model, unit_set in (p.split(":") for p in a.sets):
        runs = [run(a.cli, model, s, unit_set, a.sentences) for s in a.seeds]
        print(f"\n### {model.upper()}, unit set: {unit_set}\n")
        print("| seed | valid err % | exact err % | polyvalent units | set size | top-10 share of sum abs(w) % | bias share % | structure/content ratio (set) | ratio (random set, same size) |")
        print("|---|---|---|---|---|---|---|---|---|")
        for s, r in zip(a.seeds, runs):
            rnd = r["structure"].get("random")
            bias = "-" if r["bias"] is None else f"{r['bias']:.1f}"
            rnd_text = "-" if rnd is None else f"{rnd:.2f}"
            print(f"| {s} | {r['valid']:.2f} | {r['exact']:.2f} | {r.get('polyvalent', 0)} | {r['set_size'][unit_set]} | "
                  f"{r['top10']:.1f} | {bias} | {r['structure'][unit_set]:.2f} | {rnd_text} |")
        words = sorted({w for r in runs for w in r["influence"][unit_set]})
        table = []
        for w in words:
            means = [r["influence"][unit_set][w][1] for r in runs if w in r["influence"][unit_set]]
            stds = [r["influence"][unit_set][w][2] for r in runs if w in r["influence"][unit_set]]
            ranks = []
            for r in runs:
                order = sorted(r["influence"][unit_set], key=lambda k: -r["influence"][unit_set][k][1])
                if w in order:
                    ranks.append(order.index(w) + 1)
            table.append((st.mean(means), w, st.pstdev(means) if len(means) > 1 else 0.0, st.mean(stds), ranks))
        table.sort(reverse=True)
        print(f"\nInfluence per word ({a.sentences} test sentences per seed, seeds {' '.join(map(str, a.seeds))}): "
              "mean over seeds of the per-seed mean step influence; across-seed spread of that mean; "
              "mean within-seed std; rank per seed (1 = most influential).\n")
        print("| word | kind | mean | spread across seeds | within-seed std | ranks |")
        print("|---|---|---|---|---|---|")
        structure = {"this", "that", "is", "a", "the", "on", "there", "and", "BEGIN", "END"}
        for m, w, sp, sd, ranks in table:
            kind = "structure" if w in structure else "content"
            print(f"| {w} | {kind} | {m:.4g} | {sp:.2g} | {sd:.3g} | {' '.join(map(str, ranks))} |")
        if a.raw:
            for r in runs:
                print("```\n" + r["raw"] + "```")


if __name__ == "__main__":
    main()
