#!/usr/bin/env python3
"""Stratus built-in word count on EMR, reducer and combiner: sums the counts of each word.

Input is sorted by word (Hadoop's byte order); output is word<TAB>count.
"""
import sys

out = sys.stdout.buffer
current, total = None, 0
for line in sys.stdin.buffer:
    word, _, count = line.rstrip(b"\n").partition(b"\t")
    if word != current:
        if current is not None:
            out.write(b"%s\t%d\n" % (current, total))
        current, total = word, 0
    total += int(count)
if current is not None:
    out.write(b"%s\t%d\n" % (current, total))
