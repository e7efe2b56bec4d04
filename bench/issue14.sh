#!/bin/bash
# Issue 14's table in one run: N=1,000 against stock (one process, one and
# two workers), then 10,000 and 100,000 with two workers (about 2 h here).
#   scripts/with-postgresql bench/issue14.sh
set -e
cd "$(dirname "$0")/.."
for spec in "1000 --workers 1,2 --chunk 100" \
        "10000 --only workers --workers 2" \
        "100000 --only workers --workers 2"; do
    echo "=== $(date -u +%H:%M:%S) -n $spec," \
        "stolen ticks $(head -1 /proc/stat | awk '{print $9}')"
    .venv/bin/python bench/batch_vs_stock.py -n $spec
done
