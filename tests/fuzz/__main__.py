"""python -m tests.fuzz [KIND ...] [-v]: run the fuzz and print the summary."""
import sys

from .runner import mismatches, run_all, summary

args = [a for a in sys.argv[1:] if not a.startswith("-")]
results = run_all(args or None)
if "-v" in sys.argv:
    for kind, name, code, (cat, detail) in mismatches(results):
        print(f"[{kind}] {name} ({cat}): {detail}")
print(summary(results))
