"""Player-name search by any part of a name, any case, accents ignored.

On PostgreSQL the name is compared through `props_search_key(text)` (lower + unaccent, created
IMMUTABLE in migration 0007 together with the pg_trgm GIN index over
`props_search_key(player_name)`), so `LIKE '%mahom%'` is answered by that index. The term goes
through the same function, which PostgreSQL folds to a constant at planning time. Elsewhere
(SQLite for `make run`) it is a plain case-insensitive substring match.

Used by the admin search box, the API filter `player_search` and `export_props --player-search`.
"""

from django.db import connections
from django.db.models import CharField, Func, Q, Value

# Shorter terms have no trigram, so the index could not narrow them down.
MIN_SEARCH_LENGTH = 3


class SearchKey(Func):
    function = "props_search_key"
    output_field = CharField()


def filter_player_name(queryset, term):
    """Markets whose player name contains `term` (case and accents ignored)."""
    queryset, condition = player_name_condition(queryset, term)
    return queryset.filter(condition)


def player_name_condition(queryset, term):
    """(queryset, Q) for combining the name match with other conditions (the admin's OR)."""
    term = term.strip()
    if connections[queryset.db].vendor != "postgresql":
        return queryset, Q(player_name__icontains=term)
    queryset = queryset.alias(player_search_key=SearchKey("player_name"))
    return queryset, Q(player_search_key__contains=SearchKey(Value(term)))
