#!/usr/bin/env bash
# The admin benchmark's database: 1,000,000 markets through the project's importer (as
# bench/load_data.sh) plus ~1,000,000 more history rows, in its own database.
#
#   bench/load_admin_data.sh      (BENCH_DATABASE=bench_admin BENCH_ROWS=1000000)
#
# Drops and recreates the database, migrates it, imports bench/data/markets-$rows.csv (written
# by bench/generate_markets.py when missing) with `manage.py import_props` (1 '+' history row per
# market), adds a season of '~' history rows set-based (bench/generate_history.py), and runs
# VACUUM ANALYZE. bench/admin.py migrates again before measuring, so a database loaded before
# newer migrations still gets them. Needs only the project's venv (no wrk, no seed stack).
set -euo pipefail
cd "$(dirname "$0")/.."

database=${BENCH_DATABASE:-bench_admin}
rows=${BENCH_ROWS:-1000000}
csv=bench/data/markets-$rows.csv
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$database
export REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/7}
export DEBUG=false DJANGO_READ_DOT_ENV_FILE=false
export SECRET_KEY=benchmark-only-secret-key-not-for-production-use-0123456789
psql_bench() { psql -v ON_ERROR_STOP=1 -q -h 127.0.0.1 -U postgres "$@"; }

mkdir -p bench/data
if [ ! -s "$csv" ]; then
    echo "== generating $rows markets -> $csv"
    .venv/bin/python bench/generate_markets.py "$csv" --rows "$rows"
fi

echo "== fresh database $database"
dropdb -h 127.0.0.1 -U postgres --if-exists --force "$database"
createdb -h 127.0.0.1 -U postgres "$database"
.venv/bin/python manage.py migrate --no-input -v 0

echo "== manage.py import_props $csv"
/usr/bin/time -f "import: %e s wall, %M KiB peak memory" \
    .venv/bin/python manage.py import_props "$csv" --format csv

echo "== history rows"
.venv/bin/python bench/generate_history.py
psql_bench "$database" -c "VACUUM ANALYZE"
psql_bench "$database" -c "
    SELECT relname AS table, n_live_tup AS rows,
           pg_size_pretty(pg_table_size(relid)) AS heap_and_toast,
           pg_size_pretty(pg_indexes_size(relid)) AS indexes
    FROM pg_stat_user_tables
    WHERE relname IN ('prop_markets', 'prop_markets_history') ORDER BY relname"
