#!/usr/bin/env bash
# The admin benchmark's database: bench/load_data.sh's 1,000,000 markets (through the project's
# importer, one '+' history row each) in their own database, plus ~1,000,000 more history rows.
#
#   bench/load_admin_data.sh      (BENCH_DATABASE=bench_admin BENCH_ROWS=1000000)
#
# Adds a season of '~' history rows set-based (bench/generate_history.py), then VACUUM ANALYZE.
# bench/admin.py migrates again before measuring, so a database loaded before newer migrations
# still gets them.
set -euo pipefail
cd "$(dirname "$0")/.."

export BENCH_DATABASE=${BENCH_DATABASE:-bench_admin}
bench/load_data.sh

export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$BENCH_DATABASE
export REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/7}
export DEBUG=false DJANGO_READ_DOT_ENV_FILE=false
export SECRET_KEY=benchmark-only-secret-key-not-for-production-use-0123456789

echo "== history rows"
.venv/bin/python bench/generate_history.py
psql -v ON_ERROR_STOP=1 -q -h 127.0.0.1 -U postgres "$BENCH_DATABASE" -c "VACUUM ANALYZE"
psql -v ON_ERROR_STOP=1 -q -h 127.0.0.1 -U postgres "$BENCH_DATABASE" -c "
    SELECT relname AS table, n_live_tup AS rows,
           pg_size_pretty(pg_table_size(relid)) AS heap_and_toast,
           pg_size_pretty(pg_indexes_size(relid)) AS indexes
    FROM pg_stat_user_tables
    WHERE relname IN ('prop_markets', 'prop_markets_history') ORDER BY relname"
