"""Speaker precision and recall on the hand-checked golden speakers (issue 11).

    .venv/bin/python bench/people_eval.py [--mode after|before] [--verbose] [--json]
                                          [--golden FILE] [--shared DIR]

For each article of tests/fixtures/people/golden.json, builds the Article as the
extractors do (headline + body from ../shared, quotes from
`indexer.extract.quotes.find_quotes`) and names each quote's canonical speaker:

    before  the old facet rule (bench/people_before.py, frozen from fields.py at d35f96a)
    after   searchapp.people.speakers(article), one Person | None per quote (its .name)

Predicted quotes are matched to golden ones by token F1 >= 0.8, one to one
(bench/quotes_eval.py). Speaker precision: predicted quotes with a speaker whose speaker
equals the matched golden one, over all predicted quotes with a speaker (an unmatched one
is wrong). Speaker recall: golden quotes with a speaker whose matched predicted quote has
that speaker, over golden quotes with a speaker. Accuracy: matched quotes whose speakers
agree (both None counts), over matched quotes. Names compare by quotes_eval.norm_speaker.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "fixtures" / "people" / "golden.json"
MODES = ("after", "before")

sys.path.insert(0, str(ROOT))  # run as a script from anywhere, without installing
from indexer.article import Article  # noqa: E402
from indexer.extract import extract_file  # noqa: E402
from indexer.extract.quotes import find_quotes  # noqa: E402


def _quotes_eval():
    # bench/ is scripts, not a package: load the quote evaluation once, by path
    if "quotes_eval" not in sys.modules:
        path = ROOT / "bench" / "quotes_eval.py"
        spec = importlib.util.spec_from_file_location("quotes_eval", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # its dataclasses look their module up by name
        spec.loader.exec_module(module)
    return sys.modules["quotes_eval"]


qe = _quotes_eval()
SHARED = qe.SHARED


def headline(shared: Path, corpus: str, ref: str) -> str:
    """The headline the extractors give the article."""
    if corpus == "bbc":
        path = shared / "corpora" / "bbc" / ref
        return path.read_text(encoding="utf-8", errors="replace").splitlines()[0].strip()
    if corpus == "aeb":  # the ground truth has no headline: the HTML extractor's
        return extract_file(str(shared / "corpora" / "aeb" / "html" / f"{ref}.html.gz"))[0].headline
    if corpus == "reuters21578":
        return qe.reuters_article(shared, ref).headline
    raise ValueError(f"unknown corpus {corpus!r}")


def build_article(shared: Path, corpus: str, ref: str) -> Article:
    body = qe.load_body(shared, corpus, ref)
    return Article(id=re.sub(r"[^a-z0-9]+", "-", f"{corpus}-{ref}".lower()).strip("-"),
                   path=f"{corpus}/{ref}", headline=headline(shared, corpus, ref), body=body,
                   quotes=tuple(find_quotes(body)))


def speakers(article: Article, mode: str) -> list[str | None]:
    """The canonical speaker of each of the article's quotes, in order."""
    if mode == "before":
        from bench.people_before import person  # the old rule, frozen
        from searchapp.fields import facet_value

        return [person(facet_value(q.speaker)) if q.speaker else None for q in article.quotes]
    from searchapp import people

    return [p.name if p else None for p in people.speakers(article)]


@dataclass
class Figures:
    golden: int = 0
    golden_named: int = 0  # golden quotes with a speaker
    predicted: int = 0
    predicted_named: int = 0  # predicted quotes given a speaker
    matched: int = 0
    agree: int = 0  # matched quotes whose speakers agree, None included
    right: int = 0  # matched quotes with the golden speaker, named

    @staticmethod
    def ratio(a: int, b: int) -> float:
        return round(a / b, 3) if b else 1.0

    def summary(self) -> dict:
        return {"precision": self.ratio(self.right, self.predicted_named),
                "recall": self.ratio(self.right, self.golden_named),
                "accuracy_matched": self.ratio(self.agree, self.matched), **asdict(self)}


@dataclass
class Result:
    total: Figures = field(default_factory=Figures)
    by_corpus: dict[str, Figures] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)


def evaluate(golden: list[dict], mode: str = "after", shared: Path = SHARED) -> Result:
    res = Result()
    for entry in golden:
        corpus, ref, gold = entry["corpus"], entry["ref"], entry["quotes"]
        article = build_article(shared, corpus, ref)
        got = speakers(article, mode)
        pred = [q.text for q in article.quotes]
        where = f"{corpus}:{ref}"
        for f in (res.total, res.by_corpus.setdefault(corpus, Figures())):
            f.golden += len(gold)
            f.golden_named += sum(g["speaker"] is not None for g in gold)
            f.predicted += len(pred)
            f.predicted_named += sum(qe.norm_speaker(s) is not None for s in got)
        pairs = qe.match([g["text"] for g in gold], pred)
        for i, j in pairs:
            want, have = qe.norm_speaker(gold[i]["speaker"]), qe.norm_speaker(got[j])
            for f in (res.total, res.by_corpus[corpus]):
                f.matched += 1
                f.agree += want == have
                f.right += want is not None and want == have
            if want != have:
                res.misses.append(f"WHO    {where}: {gold[i]['text'][:60]!r} golden "
                                  f"{gold[i]['speaker']!r}, got {got[j]!r}")
        gi, pj = {i for i, _ in pairs}, {j for _, j in pairs}
        res.misses += [f"MISS   {where}: {g['text'][:60]!r} ({g['speaker']!r}) not found"
                       for i, g in enumerate(gold) if i not in gi]
        res.misses += [f"FALSE  {where}: {pred[j][:60]!r} given {got[j]!r}, not a golden quote"
                       for j in range(len(pred)) if j not in pj and got[j]]
    return res


def load_golden(path: Path = GOLDEN) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def _line(name: str, f: Figures) -> str:
    s = f.summary()
    return (f"{name:<13} precision {s['precision']:.3f}  recall {s['recall']:.3f}  "
            f"accuracy {s['accuracy_matched']:.3f}  ({f.right} right of {f.predicted_named} "
            f"named / {f.golden_named} golden named; {f.matched} of {f.golden} golden and "
            f"{f.predicted} predicted quotes matched)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=MODES, default="after")
    ap.add_argument("--golden", type=Path, default=GOLDEN)
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--verbose", "-v", action="store_true", help="list every miss")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    golden = load_golden(args.golden)
    res = evaluate(golden, args.mode, args.shared)
    if args.json:
        print(json.dumps({"mode": args.mode, "articles": len(golden), **res.total.summary(),
                          "by_corpus": {c: f.summary() for c, f in res.by_corpus.items()}},
                         indent=1))
    else:
        print(f"speakers, mode {args.mode}: {res.total.golden} golden quotes in "
              f"{len(golden)} articles")
        print(_line("all", res.total))
        for corpus, f in res.by_corpus.items():
            print(_line(corpus, f))
    if args.verbose:
        print("\n".join(res.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
