#!/usr/bin/env python3
"""Writes the two example corpus files of resources/corpora/ (docs/FORMATS.md, "Corpus
files"). Deterministic: running it again gives the same bytes.

csl-center.tsv     the paper's grammar (n = 4) where "center" is a synonym of the
                   position "middle" (a #synonym line), used in about half the clauses
                   that name the middle.
csl-relative.tsv   the paper's grammar (n = 4) plus a third kind of clause, a relative
                   clause: "the cup which is red is on the left" (object, position, colour).

Each has 500 training and 500 test sentences (30 % one-object), like the paper's split
but smaller, so both models train on it in seconds.
"""
import random
import sys
from pathlib import Path

OBJECTS = ["glass", "cup", "bowl", "orange"]
POSITIONS = ["left", "right", "middle"]
COLOURS = ["red", "orange", "green", "blue"]


def paper_clauses():
    """The paper's six templates: (words, (object, position, colour)), '-' for none."""
    out = []
    for demo in ("this", "that"):
        for det in ("a", "the"):
            for c in COLOURS + [None]:
                for o in OBJECTS:
                    out.append(([demo, "is", det] + ([c] if c else []) + [o], (o, "-", c or "-")))
    for det in ("a", "the"):
        for c in COLOURS:
            for o in OBJECTS:
                out.append(([det, o, "is", c], (o, "-", c)))
    for det in ("a", "the"):
        for p in POSITIONS:
            for c in COLOURS:
                for o in OBJECTS:
                    out.append(([det, o, "on", "the", p, "is", c], (o, p, c)))
    for det in ("a", "the"):
        for p in POSITIONS:
            for c in COLOURS + [None]:
                for o in OBJECTS:
                    out.append(([det] + ([c] if c else []) + [o, "is", "on", "the", p], (o, p, c or "-")))
    for det in ("a", "the"):
        for p in POSITIONS:
            for c in COLOURS + [None]:
                for o in OBJECTS:
                    out.append((["there", "is", det] + ([c] if c else []) + [o, "on", "the", p], (o, p, c or "-")))
    for p in POSITIONS:
        for there in (False, True):
            for det in ("a", "the"):
                for c in COLOURS + [None]:
                    for o in OBJECTS:
                        out.append((["on", "the", p] + (["there"] if there else []) + ["is", det] +
                                    ([c] if c else []) + [o], (o, p, c or "-")))
    return out


def relative_clauses():
    out = []
    for det in ("a", "the"):
        for p in POSITIONS:
            for c in COLOURS:
                for o in OBJECTS:
                    out.append(([det, o, "which", "is", c, "is", "on", "the", p], (o, p, c)))
    return out


def with_center(clauses, rng):
    out = []
    for words, meaning in clauses:
        if "middle" in words and rng.random() < 0.5:
            words = ["center" if w == "middle" else w for w in words]
        out.append((words, meaning))
    return out


def sentences(clauses, rng, one, two):
    ones = rng.sample(clauses, 2 * one)
    pairs = [(rng.choice(clauses), rng.choice(clauses)) for _ in range(2 * two)]
    def row(split, parts):
        words = " and ".join(" ".join(w) for w, _ in parts)
        meaning = ";".join(",".join(m) for _, m in parts)
        return f"{split}\t{words}\t{meaning}\n"
    rows = [row("train", [c]) for c in ones[:one]] + [row("train", list(p)) for p in pairs[:two]]
    rows += [row("test", [c]) for c in ones[one:]] + [row("test", list(p)) for p in pairs[two:]]
    return rows


def main(folder):
    folder = Path(folder)
    rng = random.Random(20201202)
    center = with_center(paper_clauses(), rng)
    text = "split\tsentence\tmeaning\n#synonym\tcenter\tmiddle\n" + "".join(sentences(center, rng, 150, 350))
    (folder / "csl-center.tsv").write_text(text)
    rng = random.Random(20201203)
    relative = paper_clauses() + relative_clauses() * 3  # the new clause in about a third of the clauses
    text = "split\tsentence\tmeaning\n" + "".join(sentences(relative, rng, 150, 350))
    (folder / "csl-relative.tsv").write_text(text)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "resources" / "corpora")
