"""The LadybugDB text rewriter that the local engine replaced, kept only as a benchmark baseline.

Not a copy of it: this module runs ``graph/stores/cypher/engine.py`` as it was at the pinned
commit (the last one before the parsed engine replaced it), read from git history when a
benchmark imports it (bench/cypher_engines.py, bench/cypher_compare.py). It needs a clone with
that history (not a shallow one) and the ``ladybug`` package.
"""

import subprocess
from pathlib import Path

PINNED = "fb0cb90afd91fe75338998a25eab792b328c664c"
SOURCE = "graph/stores/cypher/engine.py"


def _source() -> str:
    root = Path(__file__).resolve().parents[1]
    try:
        return subprocess.run(["git", "-C", str(root), "show", f"{PINNED}:{SOURCE}"],
                              check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        raise ImportError(f"the baseline engine is {SOURCE} at commit {PINNED[:10]}, read from git history: "
                          f"{detail.strip()}; run the benchmark in a full clone (git fetch --unshallow)") from None


exec(compile(_source(), f"{PINNED[:10]}:{SOURCE}", "exec"), globals())  # noqa: S102 - our own file at a pinned commit
