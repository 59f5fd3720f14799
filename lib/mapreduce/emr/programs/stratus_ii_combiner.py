#!/usr/bin/env python3
"""Stratus built-in inverted index on EMR, combiner: one line per word with its unique docids.

Hadoop may run a combiner more than once, on mapper output or on its own output, so values are
lists of docids joined by the unit separator (0x1F) both in and out; a docid that itself holds
a comma survives, which a comma-joined list would split.
"""
import sys

SEP = b"\x1f"
out = sys.stdout.buffer
current, docs = None, set()
for line in sys.stdin.buffer:
    word, _, value = line.rstrip(b"\n").partition(b"\t")
    if word != current:
        if current is not None:
            out.write(current + b"\t" + SEP.join(sorted(docs)) + b"\n")
        current, docs = word, set()
    docs.update(value.split(SEP))
if current is not None:
    out.write(current + b"\t" + SEP.join(sorted(docs)) + b"\n")
