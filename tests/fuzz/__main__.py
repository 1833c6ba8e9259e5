"""python -m tests.fuzz [KIND ...] [-v]: run the fuzz and print the summary.

-v lists every mismatch; listed cases (tests/fuzz/known.py) are marked "known", and
known cases that match again are listed at the end so they can be taken off the list.
"""
import sys

from .known import KNOWN
from .runner import mismatches, run_all, summary

args = [a for a in sys.argv[1:] if not a.startswith("-")]
results = run_all(args or None)
if "-v" in sys.argv:
    for kind, name, code, (cat, detail) in mismatches(results):
        mark = " known" if name in KNOWN else ""
        print(f"[{kind}] {name} ({cat}{mark}): {detail}")
print(summary(results))
bad = {name for _, name, _, _ in mismatches(results)}
ran = {name for rows in results.values() for name, _, _ in rows}
new = bad - set(KNOWN)
fixed = sorted(n for n in KNOWN if n in ran and n not in bad)
print(f"  not in known.py (test_fuzz fails on these): {len(new)}")
print(f"  in known.py but matching now (take them off): {len(fixed)}")
for n in fixed:
    print(f"    {n}")
