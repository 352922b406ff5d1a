#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every non-static function defined in our kernel C files has a kernel-doc
comment (/** ... */) right above it.  Usage: kdoc-check.py FILE..."""
import re
import sys

DEF = re.compile(r'^(?!static\b)(?:[a-z_][\w\s\*]*?)\b(\w+)\(([^;]*)$')
bad = 0
for path in sys.argv[1:]:
    lines = open(path).read().split('\n')
    for i, line in enumerate(lines):
        if not line or line[0] in ' \t#/*}{' or line.endswith(';'):
            continue
        m = DEF.match(line)
        if not m or m.group(1) in ('if', 'for', 'while', 'switch', 'return'):
            continue
        # the body must start within a few lines (a definition, not a prototype)
        j = i
        while j < len(lines) and not lines[j].rstrip().endswith(')') and j < i + 6:
            j += 1
        if j + 1 >= len(lines) or lines[j + 1] != '{':
            continue
        k = i - 1
        while k >= 0 and lines[k].startswith(('EXPORT_SYMBOL', '__', '#')):
            k -= 1
        if k < 0 or not lines[k].startswith(' */'):
            print('%s:%d: %s() has no kernel-doc' % (path, i + 1, m.group(1)))
            bad += 1
            continue
        while k >= 0 and not lines[k].startswith('/*'):
            k -= 1
        if k < 0 or not lines[k].startswith('/**'):
            print('%s:%d: %s() has a comment, not kernel-doc' % (path, i + 1, m.group(1)))
            bad += 1
print('kernel-doc: %d missing' % bad)
sys.exit(1 if bad else 0)
