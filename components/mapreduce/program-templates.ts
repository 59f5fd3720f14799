// What a new job's editor starts with: the textbook's word count in Python 3, ready to run.

export const MAPPER_TEMPLATE = `#!/usr/bin/env python3
"""Mapper: reads lines on stdin, writes key<TAB>value lines on stdout."""
import re
import sys

for line in sys.stdin:
    for word in re.findall(r"[A-Za-z0-9]+", line):
        print(f"{word.lower()}\\t1")
`;

export const REDUCER_TEMPLATE = `#!/usr/bin/env python3
"""Reducer: reads the map output sorted by key; each run of equal keys is one group."""
import sys

current, total = None, 0
for line in sys.stdin:
    key, _, value = line.rstrip("\\n").partition("\\t")
    if key != current:
        if current is not None:
            print(f"{current}\\t{total}")
        current, total = key, 0
    total += int(value)
if current is not None:
    print(f"{current}\\t{total}")
`;
