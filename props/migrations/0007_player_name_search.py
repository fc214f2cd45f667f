"""Player-name search by any part of the name, any case, accents ignored, through an index.

`props_search_key(text)` is lower(unaccent(text)) declared IMMUTABLE (unaccent itself is only
STABLE, because its dictionary could change), so it can be indexed. The GIN trigram index over
`props_search_key(player_name)` answers `LIKE '%mahom%'` for any substring of 3+ characters.
Queries must use the same expression (`props.search.SearchKey`). On SQLite nothing is created;
the search falls back to icontains there.
"""

from django.db import migrations

from betterbros.db_operations import RunSQLOnPostgreSQL

FORWARDS = r"""
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE OR REPLACE FUNCTION props_search_key(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN lower(public.unaccent('public.unaccent'::regdictionary, value));
CREATE INDEX IF NOT EXISTS prop_markets_player_search_idx
    ON prop_markets USING gin (props_search_key(player_name) gin_trgm_ops);
"""

BACKWARDS = r"""
DROP INDEX IF EXISTS prop_markets_player_search_idx;
DROP FUNCTION IF EXISTS props_search_key(text);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("props", "0006_lock_trigger_takes_row_lock"),
    ]

    operations = [RunSQLOnPostgreSQL(FORWARDS, BACKWARDS)]
