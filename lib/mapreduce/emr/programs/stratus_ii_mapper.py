#!/usr/bin/env python3
"""Stratus built-in inverted index on EMR, Hadoop streaming mapper.

Input lines are docid<TAB>text (lines without a tab are skipped); output is word<TAB>docid once
per word of each line. Words follow the local built-in's rule: maximal runs of ASCII letters and
digits, lowercased. Works on bytes, so any encoding passes through unchanged.
"""
import re
import sys

WORD = re.compile(rb"[A-Za-z0-9]+")

out = sys.stdout.buffer
for line in sys.stdin.buffer:
    docid, tab, text = line.rstrip(b"\n").partition(b"\t")
    if not tab:
        continue
    for word in dict.fromkeys(w.lower() for w in WORD.findall(text)):
        out.write(word + b"\t" + docid + b"\n")
