"""The pinned Whoosh is the one installed, and it imports under the suite's warning filters.

reliability.md T01 and T18: every Whoosh fork installs the same `whoosh` package, and
2.7.4's old escape sequences warn when its modules are compiled without cached bytecode.
"""

from __future__ import annotations

import importlib.metadata as md
import os
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_exactly_one_whoosh_distribution_at_the_pinned_version():
    providers = []
    for dist in md.distributions():
        top = (dist.read_text("top_level.txt") or "").split()
        files = [str(f) for f in (dist.files or [])]
        if "whoosh" in top or any(f.startswith("whoosh/") for f in files):
            providers.append((dist.metadata["Name"], dist.version))
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [d for d in pyproject["project"]["dependencies"] if d.lower().startswith("whoosh")]
    assert pins == ["whoosh==2.7.4"]
    assert providers == [("Whoosh", "2.7.4")]


def test_whoosh_imports_under_the_suites_warning_filters(tmp_path):
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    filters = pyproject["tool"]["pytest"]["ini_options"]["filterwarnings"]
    # The same filters as pytest applies them: in order, message as a regular expression.
    setup = "import warnings\n" + "".join(
        f"warnings.filterwarnings({a!r}, {m!r}, {c})\n" for a, m, c in map(_parse, filters))
    # Every module; a few of 2.7.4's import modules it never shipped (whoosh.automata.fst),
    # an ImportError, while a warning turned into an error would be a SyntaxError.
    code = setup + ("import importlib, pkgutil, whoosh\n"
            "n = 0\n"
            "for m in pkgutil.walk_packages(whoosh.__path__, 'whoosh.'):\n"
            "    try:\n"
            "        importlib.import_module(m.name)\n"
            "        n += 1\n"
            "    except ImportError:\n"
            "        pass\n"
            "assert n > 80, n\n")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def _parse(spec: str) -> tuple[str, str, str]:
    action, message, category = ([*spec.split(":", 2), "", ""])[:3]
    return action, message, category or "Warning"
