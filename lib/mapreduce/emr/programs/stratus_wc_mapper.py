#!/usr/bin/env python3
"""Stratus built-in word count on EMR, Hadoop streaming mapper: word<TAB>1 for every word.

A word is a maximal run of ASCII letters and digits, lowercased; every other byte separates
words (the local built-in's rule). Works on bytes, so any encoding passes through unchanged.
"""
import re
import sys

WORD = re.compile(rb"[A-Za-z0-9]+")

out = sys.stdout.buffer
for line in sys.stdin.buffer:
    for word in WORD.findall(line):
        out.write(word.lower() + b"\t1\n")
