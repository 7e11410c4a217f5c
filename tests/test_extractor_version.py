"""EXTRACTOR_VERSION must be bumped whenever extraction output changes.

`update` leaves unread every input whose bytes, place and EXTRACTOR_VERSION it indexed
before (indexer/digest.py): a change to extraction made without a bump would never reach
the articles already indexed. So the extraction of the bundled samples (samples/) is
fingerprinted, and the fingerprint is kept per EXTRACTOR_VERSION in
tests/fixtures/extractor_fingerprint.json. After a change to extraction:

    bump EXTRACTOR_VERSION in indexer/extract/__init__.py, then
    .venv/bin/python tests/test_extractor_version.py --regenerate
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FINGERPRINTS = REPO / "tests" / "fixtures" / "extractor_fingerprint.json"
HOW = ("bump EXTRACTOR_VERSION in indexer/extract/__init__.py (so that `update` reads "
       "every input again) and regenerate the fingerprint with `.venv/bin/python "
       "tests/test_extractor_version.py --regenerate`")


def fingerprint() -> str:
    """A digest of what extraction makes of every input under samples/ (run in REPO)."""
    from indexer.discover import Item, iter_items
    from indexer.work import Extracted, extract_item

    h = hashlib.sha256()
    before = os.getcwd()
    os.chdir(REPO)
    try:
        for entry in iter_items(["samples"]):
            if not isinstance(entry, Item):
                h.update(repr(entry).encode("utf-8"))
                continue
            for r in extract_item(entry):
                out = r.doc.as_dict() if isinstance(r, Extracted) else {
                    "path": r.path, "failed": r.reason}
                h.update(json.dumps(out, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    finally:
        os.chdir(before)
    return h.hexdigest()


def test_extraction_changed_only_with_a_new_extractor_version():
    from indexer.extract import EXTRACTOR_VERSION

    stored = json.loads(FINGERPRINTS.read_text(encoding="utf-8"))
    expected = stored.get(str(EXTRACTOR_VERSION))
    assert expected is not None, (
        f"there is no fingerprint for EXTRACTOR_VERSION {EXTRACTOR_VERSION}; regenerate it "
        "with `.venv/bin/python tests/test_extractor_version.py --regenerate`")
    assert fingerprint() == expected, (
        f"what extraction makes of samples/ changed, but EXTRACTOR_VERSION is still "
        f"{EXTRACTOR_VERSION}: {HOW}")


def regenerate() -> None:
    """Store the fingerprint of the current extraction under the current version."""
    from indexer.extract import EXTRACTOR_VERSION

    stored = json.loads(FINGERPRINTS.read_text(encoding="utf-8")) \
        if FINGERPRINTS.exists() else {}
    stored[str(EXTRACTOR_VERSION)] = fingerprint()
    FINGERPRINTS.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n",
                            encoding="utf-8")
    print(f"EXTRACTOR_VERSION {EXTRACTOR_VERSION}: {stored[str(EXTRACTOR_VERSION)]}")


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    if sys.argv[1:] != ["--regenerate"]:
        sys.exit("usage: tests/test_extractor_version.py --regenerate")
    regenerate()
