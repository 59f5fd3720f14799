#!/usr/bin/env python3
"""Stratus built-in inverted index on EMR, reducer: word<TAB>docid,docid,… (unique, byte order).

Values are docids from the mapper, or 0x1F-joined docid lists from the combiner.
"""
import sys

SEP = b"\x1f"
out = sys.stdout.buffer
current, docs = None, set()
for line in sys.stdin.buffer:
    word, _, value = line.rstrip(b"\n").partition(b"\t")
    if word != current:
        if current is not None:
            out.write(current + b"\t" + b",".join(sorted(docs)) + b"\n")
        current, docs = word, set()
    docs.update(value.split(SEP))
if current is not None:
    out.write(current + b"\t" + b",".join(sorted(docs)) + b"\n")
