#!/usr/bin/env bash
# Start the local PostgreSQL and Redis the tests use, if they are not answering.
# Installs them from Debian's packages when they are missing (needs root, as on CI).
set -euo pipefail

pg_host=127.0.0.1
pg_port=${PGPORT:-5432}
redis_port=${REDIS_PORT:-6379}

apt_install() {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! command -v pg_ctlcluster >/dev/null; then
    echo "Installing PostgreSQL…"
    apt_install postgresql
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    # The suite connects as postgres over TCP without a password, as on the dev machines.
    sed -i -E 's/^(host\s+all\s+all\s+127\.0\.0\.1\/32\s+)\S+/\1trust/' \
        "/etc/postgresql/$version/main/pg_hba.conf"
fi
if ! pg_isready -q -h "$pg_host" -p "$pg_port"; then
    echo "Starting PostgreSQL…"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
    for _ in $(seq 1 30); do pg_isready -q -h "$pg_host" -p "$pg_port" && break; sleep 1; done
fi
pg_isready -h "$pg_host" -p "$pg_port"

if ! command -v redis-server >/dev/null; then
    echo "Installing Redis…"
    apt_install redis-server
fi
if [ "$(redis-cli -h "$pg_host" -p "$redis_port" ping 2>/dev/null)" != "PONG" ]; then
    echo "Starting Redis…"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$redis_port" \
        --save "" --appendonly no
    for _ in $(seq 1 30); do
        [ "$(redis-cli -h "$pg_host" -p "$redis_port" ping 2>/dev/null)" = "PONG" ] && break
        sleep 0.5
    done
fi
echo "Redis: $(redis-cli -h "$pg_host" -p "$redis_port" ping)"
