#!/usr/bin/env bash
# 1,000,000 realistic prop markets in a fresh PostgreSQL database, through the project's importer.
#
#   bench/load_data.sh            (BENCH_DATABASE=bb_bench BENCH_ROWS=1000000 BENCH_USERS=1000)
#
# Drops and recreates the database, migrates it with `manage.py migrate`, generates the board
# CSV (bench/generate_markets.py, deterministic; kept in bench/data/ for the next run), imports it
# with `manage.py import_props` (timed, with its peak memory), runs ANALYZE, and creates the API
# clients of the HTTP benchmark (bench/create_users.py -> bench/data/tokens.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
bench/setup.sh

database=${BENCH_DATABASE:-bb_bench}
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
psql_bench "$database" -c "VACUUM ANALYZE"
psql_bench "$database" -Atc "SELECT count(*) || ' prop markets in $database' FROM prop_markets"

.venv/bin/python bench/create_users.py bench/data/tokens.txt --users "${BENCH_USERS:-1000}"

# The sizes that the scaling plan in BENCHMARKS.md extrapolates from.
psql_bench "$database" -c "
    SELECT relname AS table, n_live_tup AS rows,
           pg_size_pretty(pg_table_size(relid)) AS heap_and_toast,
           pg_size_pretty(pg_indexes_size(relid)) AS indexes
    FROM pg_stat_user_tables
    WHERE relname IN ('prop_markets', 'prop_markets_history') ORDER BY relname"
