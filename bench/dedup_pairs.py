"""The labelled pairs for near-duplicate detection (tests/fixtures/dedup/), made and read again.

    .venv/bin/python bench/dedup_pairs.py bbc [--shared DIR]         # writes bbc_pairs.json
    .venv/bin/python bench/dedup_pairs.py reuters-candidates [--shared DIR] > draft.json

Both corpora are research-only copies (their SOURCE.md): the fixtures hold ids, labels and
edit recipes, never the texts, which are read from ../shared at run time.

- bbc: rewrites of BBC stories with known edits at three strengths (sentences dropped, words
  substituted, paragraphs reordered, a new lead paragraph taken from another story), all
  labelled "dup"; and negatives, two different stories of one category, the ones sharing
  the most words first ("hard"), then random ones. Seeded: the same file every run. The
  hard pairs with the same headline were read in full (three were copies: CORPUS_COPIES),
  the others by headline and opening paragraph.
- reuters-candidates: pairs found by a method unlike MinHash (the same headline, or the
  same first 150 characters of body), sampled (seeded) for a person to label by reading
  both texts; reuters_pairs.json is that draft with the labels filled in.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "dedup"
SHARED = ROOT.parent / "shared"
SEED = 13

# Edit strengths: share of sentences dropped, of words substituted, paragraphs swapped, and
# whether a lead paragraph from another story is put first.
STRENGTHS = {
    "light": {"drop": 0.05, "subst": 0.02, "swap": 0, "lead": False},
    "medium": {"drop": 0.15, "subst": 0.05, "swap": 1, "lead": True},
    "heavy": {"drop": 0.30, "subst": 0.10, "swap": 2, "lead": True},
}
PER_STRENGTH = 60
HARD_NEGATIVES, RANDOM_NEGATIVES = 90, 90
# Among the "hard negatives", pairs found by reading both texts to be one story: the data
# set's own copies (a longer version, a reworded one). They are kept, labelled "dup".
CORPUS_COPIES = {
    ("politics/043.txt", "politics/313.txt"): "the second adds four paragraphs",
    ("politics/175.txt", "politics/349.txt"): "reworded and longer version",
    ("politics/111.txt", "politics/293.txt"): "longer version",
}
EXTRA_RECURRING = 40
_SENTENCE = re.compile(r"(?<=[.!?\"])\s+(?=[A-Z\"])")


# ---------------------------------------------------------------------------- bbc


def bbc_text(shared: Path, ref: str) -> tuple[str, str]:
    """(headline, body) of bbc story `ref` ("business/001.txt"): line 1 is the headline."""
    lines = (shared / "corpora" / "bbc" / ref).read_text(encoding="utf-8",
                                                         errors="replace").splitlines()
    return lines[0].strip(), "\n".join(lines[1:]).strip()


def rewrite(shared: Path, recipe: dict) -> tuple[str, str]:
    """The rewritten (headline, body) a recipe describes, the same on every run."""
    headline, body = bbc_text(shared, recipe["of"])
    edits = STRENGTHS[recipe["strength"]]
    rng = random.Random(recipe["seed"])
    paragraphs = [[s for s in _SENTENCE.split(p.strip()) if s]
                  for p in body.split("\n\n") if p.strip()]
    sentences = [(i, j) for i, p in enumerate(paragraphs) for j in range(len(p))]
    dropped = set(rng.sample(sentences, int(len(sentences) * edits["drop"])))
    paragraphs = [[s for j, s in enumerate(p) if (i, j) not in dropped]
                  for i, p in enumerate(paragraphs)]
    paragraphs = [p for p in paragraphs if p]
    for _ in range(edits["swap"]):
        if len(paragraphs) > 2:
            a, b = rng.sample(range(1, len(paragraphs)), 2) if len(paragraphs) > 3 else (1, 2)
            paragraphs[a], paragraphs[b] = paragraphs[b], paragraphs[a]
    text = "\n\n".join(" ".join(p) for p in paragraphs)
    vocabulary = sorted(set(re.findall(r"\b[a-z]{4,}\b", bbc_text(shared, recipe["donor"])[1])))
    tokens = text.split(" ")
    for k in rng.sample(range(len(tokens)), int(len(tokens) * edits["subst"])):
        tokens[k] = rng.choice(vocabulary)
    text = " ".join(tokens)
    if edits["lead"]:
        donor = bbc_text(shared, recipe["donor"])[1].split("\n\n")[0]
        text = f"{donor}\n\n{text}"
    return headline, text


def make_bbc(shared: Path) -> list[dict]:
    rng = random.Random(SEED)
    refs = sorted(str(p.relative_to(shared / "corpora" / "bbc"))
                  for p in (shared / "corpora" / "bbc").glob("*/*.txt"))
    pairs = []
    chosen = rng.sample(refs, PER_STRENGTH * len(STRENGTHS))
    for n, ref in enumerate(chosen):
        strength = list(STRENGTHS)[n % len(STRENGTHS)]
        donor = rng.choice([r for r in refs if r.split("/")[0] == ref.split("/")[0] and r != ref])
        pairs.append({"a": ref, "b": {"of": ref, "strength": strength, "donor": donor,
                                      "seed": rng.randrange(2**31)},
                      "label": "dup", "kind": f"rewrite-{strength}"})
    by_category = defaultdict(list)
    for ref in refs:
        by_category[ref.split("/")[0]].append(ref)
    words = {ref: set(re.findall(r"[a-z]{4,}", " ".join(bbc_text(shared, ref)).lower()))
             for ref in refs}
    overlaps = []
    for members in by_category.values():
        for a, b in itertools.combinations(members, 2):
            j = len(words[a] & words[b]) / len(words[a] | words[b])
            overlaps.append((j, a, b))
    overlaps.sort(reverse=True)
    # The most word-sharing pairs include the data set's own copies (the same story filed
    # twice): above 0.6 word-set overlap they are left out, being no negatives.
    hard = [(a, b) for j, a, b in overlaps if j < 0.6][:HARD_NEGATIVES]
    for a, b in hard:
        copy = CORPUS_COPIES.get((a, b))
        pairs.append({"a": a, "b": b, "label": "dup", "kind": "corpus-copy", "note": copy}
                     if copy else {"a": a, "b": b, "label": "not", "kind": "hard-negative"})
    seen = set(hard)
    while len(seen) < HARD_NEGATIVES + RANDOM_NEGATIVES:
        a, b = sorted(rng.sample(by_category[rng.choice(sorted(by_category))], 2))
        if (a, b) not in seen:
            seen.add((a, b))
            pairs.append({"a": a, "b": b, "label": "not", "kind": "random-negative"})
    for n, pair in enumerate(pairs):
        pair["half"] = ("tune", "test")[rng.randrange(2)]
        pair["n"] = n
    return pairs


def bbc_pair_texts(shared: Path, pair: dict) -> tuple[tuple[str, str], tuple[str, str]]:
    """Both (headline, body) of a bbc pair, its rewrite made from the recipe."""
    b = pair["b"]
    return bbc_text(shared, pair["a"]), (rewrite(shared, b) if isinstance(b, dict)
                                         else bbc_text(shared, b))


# ---------------------------------------------------------------------------- reuters


def reuters_records(shared: Path) -> dict[int, dict]:
    path = shared / "corpora" / "reuters21578" / "reuters21578.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return {rec["newid"]: rec for rec in map(json.loads, f)}


def _norm(text: str | None) -> str:
    return " ".join(re.findall(r"\w+", (text or "").lower()))


def reuters_candidates(records: dict[int, dict]) -> list[dict]:
    """Pairs with the same headline or the same opening, sampled per kind, one per group."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in records.values():
        if r["title"] and r["body"]:
            groups[("same-title", _norm(r["title"]))].append(r["newid"])
        if len(_norm(r["body"])) > 200:
            groups[("same-opening", _norm(r["body"])[:150])].append(r["newid"])
    rng = random.Random(SEED)
    pools: dict[tuple[str, bool], list[tuple[int, int]]] = defaultdict(list)
    for (how, _), ids in sorted(groups.items()):
        if len(ids) > 1:
            a, b = sorted(rng.sample(sorted(ids), 2))
            same = _norm(records[a]["body"]) == _norm(records[b]["body"])
            pools[(how, same)].append((a, b))
    wanted = {("same-title", True): 20, ("same-title", False): 70,
              ("same-opening", True): 10, ("same-opening", False): 30}
    out, seen = [], set()
    for (how, same), n in wanted.items():
        for a, b in rng.sample(pools[(how, same)], min(n, len(pools[(how, same)]))):
            if (a, b) not in seen:
                seen.add((a, b))
                out.append({"a": a, "b": b, "found_by": how, "same_text": same,
                            "label": None, "note": ""})
    for pair in out:
        pair["half"] = ("tune", "test")[rng.randrange(2)]
    # A second draw of same-headline pairs that are not the same text, from groups of three
    # or more stories: mostly recurring reports (daily, weekly), the hard negatives.
    recurring = [(a, b) for (how, same), pool in sorted(pools.items()) if not same
                 and how == "same-title" for a, b in pool
                 if len(groups[(how, _norm(records[a]["title"]))]) >= 3 and (a, b) not in seen]
    for a, b in rng.sample(recurring, min(EXTRA_RECURRING, len(recurring))):
        out.append({"a": a, "b": b, "found_by": "same-title-recurring", "same_text": False,
                    "label": None, "note": "", "half": ("tune", "test")[rng.randrange(2)]})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["bbc", "reuters-candidates"])
    parser.add_argument("--shared", type=Path, default=SHARED)
    args = parser.parse_args(argv)
    if args.what == "bbc":
        pairs = make_bbc(args.shared)
        (FIXTURES / "bbc_pairs.json").write_text(json.dumps(pairs, indent=1) + "\n")
        print(f"{len(pairs)} pairs -> {FIXTURES / 'bbc_pairs.json'}", file=sys.stderr)
    else:
        print(json.dumps(reuters_candidates(reuters_records(args.shared)), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
