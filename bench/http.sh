#!/usr/bin/env bash
# The HTTP benchmark in one command (after bench/load_data.sh): floor, seed stack and the
# project's API side by side; results in bench/results/http-<time>.{md,json}. Exit status 1 when
# a target is missed. Settings: see the docstring of bench/http_bench.py.
set -euo pipefail
cd "$(dirname "$0")/.."
bench/setup.sh
exec bench/.venv/bin/python bench/http_bench.py "$@"
