#!/usr/bin/env bash
# The benchmark's tools: wrk and GNU time (Debian's packages), the project's venv (make), and bench/.venv with
# the seed stack (bench/requirements.txt). Idempotent; called by load_data.sh and http.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null || [ ! -x /usr/bin/time ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk time >/dev/null
fi
make --no-print-directory .venv/.installed-dev services >/dev/null
if [ ! -x bench/.venv/bin/python ] || [ bench/requirements.txt -nt bench/.venv/.installed ]; then
    python3.11 -m venv bench/.venv
    bench/.venv/bin/pip install --quiet --upgrade pip
    bench/.venv/bin/pip install --quiet -r bench/requirements.txt
    touch bench/.venv/.installed
fi
