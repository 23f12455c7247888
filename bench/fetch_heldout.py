"""Fetch a kept-apart set's files into a local folder: the held-out answer set
(bench/data/heldout/files.tsv) or a document-metadata set (bench/data/docmeta*/files.tsv).

The project keeps no document text: each file is named by its public repository, commit and
path, and copied here from a local git snapshot of that repository (one folder per
repository, ``owner+name``, holding a git directory, as the team's snapshot tool lays them
out). Files that cannot be found are listed, and the run fails.

    .venv/bin/python bench/fetch_heldout.py [--set heldout|docmeta|docmeta2|docmeta3] [--mirrors DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = {name: ROOT / "bench" / "data" / name for name in ("heldout", "docmeta", "docmeta2", "docmeta3")}
DEFAULT_MIRRORS = Path(os.environ.get("HOIDOAN_MIRRORS", ROOT.parent / ".mirror"))


def git_dir(mirrors: Path, repo: str) -> Path | None:
    base = mirrors / repo.replace("/", "+")
    for candidate in (base / "repo" / ".git", base / "repo", base / ".git", base):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def fetch(mirrors: Path, out: Path, listing: Path = SETS["heldout"]) -> list[str]:
    """Copy every file ``listing/files.tsv`` names into ``out/files``, and the set's other
    tables beside it; returns what could not be had."""
    files = out / "files"
    files.mkdir(parents=True, exist_ok=True)
    missing = []
    for row in csv.DictReader((listing / "files.tsv").open(encoding="utf-8"), delimiter="\t"):
        target = files / row["local_name"]
        gd = git_dir(mirrors, row["repo"])
        if gd is None:
            missing.append(f"{row['local_name']}: no snapshot of {row['repo']} under {mirrors}")
            continue
        shown = subprocess.run(["git", "--git-dir", str(gd), "show", f"{row['commit']}:{row['path']}"],
                               capture_output=True, check=False)
        if shown.returncode != 0:
            missing.append(f"{row['local_name']}: {row['repo']}@{row['commit'][:10]}:{row['path']} not in the snapshot")
            continue
        target.write_bytes(shown.stdout)
        digest = hashlib.sha256(shown.stdout).hexdigest()[:16]
        print(f"{row['local_name']:40} {len(shown.stdout):>8} bytes  sha256 {digest}")
    for table in listing.glob("*.*"):
        if table.suffix in (".tsv", ".txt"):
            (out / table.name).write_bytes(table.read_bytes())
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS)
    parser.add_argument("--set", choices=sorted(SETS), default="heldout")
    parser.add_argument("--out", type=Path, help="default: .cache/<set>")
    args = parser.parse_args()
    out = args.out or ROOT / ".cache" / args.set
    missing = fetch(args.mirrors, out, SETS[args.set])
    if missing:
        print("missing:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 1
    print(f"{args.set} set ready in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
