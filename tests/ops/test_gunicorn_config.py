"""gunicorn.conf.py: settings from the environment, JSON log lines with LOG_JSON."""

import json
import re

from .servers import AppServer, app_environment

PLAIN_GUNICORN_LINE = re.compile(r"^\S+ \S+ \S+ \[\d+\] \[[A-Z]+\] ")
ACCESS_LINE = '"GET /health/live/ HTTP/1.1" 200'


def served_log(**environment):
    server = AppServer(app_environment(**environment))
    server.environment["GUNICORN_ACCESS_LOG"] = "-"
    server.start()
    try:
        assert server.get("/health/live/").status_code == 200
    finally:
        output = server.stop()
    return output


def test_log_json_makes_gunicorns_lines_json():
    lines = served_log(LOG_JSON="true").splitlines()
    records = [json.loads(line) for line in lines if line.startswith("{")]
    assert any(
        record["name"] == "gunicorn.error" and record["message"].startswith("Booting worker")
        for record in records
    )
    assert any(
        record["name"] == "gunicorn.access"
        and '"GET /health/live/ HTTP/1.1" 200' in record["message"]
        for record in records
    )
    assert not [line for line in lines if PLAIN_GUNICORN_LINE.match(line)]


def test_without_log_json_gunicorn_logs_plain_lines():
    output = served_log(LOG_JSON="false")
    assert ACCESS_LINE in output
    assert any(PLAIN_GUNICORN_LINE.match(line) for line in output.splitlines())
