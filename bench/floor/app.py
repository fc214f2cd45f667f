"""The floor: the board query as a bare WSGI app (psycopg + orjson), nothing else.

`GET /board?league=NFL&week=5&is_active=true` runs the board query (league + week + active,
ordered by player, 100 rows, every column) on one persistent connection per worker and returns
`{"results": [...]}`. `GET /board-cached?…` answers from one Redis GET (filling the key on a
miss). No framework, no authentication, no middleware: what the hardware and the drivers cost.

Run: DATABASE_URL=… REDIS_URL=… gunicorn --chdir bench/floor app:application
"""

import os
from urllib.parse import parse_qs

import orjson
import psycopg
import redis
from psycopg.rows import dict_row

PAGE_SIZE = 100
BOARD_SQL = """
    SELECT * FROM prop_markets
    WHERE league = %s AND week = %s AND is_active = %s
    ORDER BY player_name, id
    LIMIT %s
"""

_connection = None
_redis = redis.Redis.from_url(os.environ["REDIS_URL"])


def _cursor():
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    return _connection.cursor(row_factory=dict_row)


def _board_json(league, week, is_active):
    with _cursor() as cursor:
        cursor.execute(BOARD_SQL, (league, week, is_active, PAGE_SIZE), prepare=True)
        rows = cursor.fetchall()
    return orjson.dumps({"results": rows})


def _params(environ):
    query = parse_qs(environ.get("QUERY_STRING", ""))
    league = query.get("league", ["NFL"])[0]
    week = int(query.get("week", ["5"])[0])
    is_active = query.get("is_active", ["true"])[0] == "true"
    return league, week, is_active


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/board":
        body = _board_json(*_params(environ))
    elif path == "/board-cached":
        league, week, is_active = _params(environ)
        key = f"bench:floor:board:{league}:{week}:{is_active}"
        body = _redis.get(key)
        if body is None:
            body = _board_json(league, week, is_active)
            _redis.set(key, body, ex=300)
    else:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
