#!/bin/bash
# Issue 14's table in one run: N=1,000 against stock (one process, one and
# two workers), the PDFs per CPU-second, then 10,000 and 100,000 with two
# workers (2 to 4 h on this machine), with autovacuum on, as in production:
#   bench/issue14.sh
set -e
cd "$(dirname "$0")/.."
if [ -z "${TRYTOND_DATABASE__URI:-}" ]; then
    PG_AUTOVACUUM=on exec scripts/with-postgresql bench/issue14.sh
fi
stamp() {
    echo "=== $(date -u +%H:%M:%S) $*, load $(cut -d' ' -f1-3 /proc/loadavg)," \
        "stolen ticks $(head -1 /proc/stat | awk '{print $9}')"
}
run() {
    stamp "-n $*"
    .venv/bin/python bench/batch_vs_stock.py -n "$@"
}
run 1000 --workers 1,2 --chunk 100
stamp "pdf_engines.py 200"
.venv/bin/python bench/pdf_engines.py 200
run 10000 --only workers --workers 2
run 100000 --only workers --workers 2
stamp "end"
