"""The Odds API event odds (`/v4/sports/{sport}/events/{id}/odds` with player-prop markets): one
event, or a list of events. One market per player, stat and bookmaker from the market's Over and
Under outcomes: line = point, odds = the Over price, the Under price kept in extra_metadata.

Prices are American when their magnitude is 100 or more (`oddsFormat=american`), decimal
otherwise (`oddsFormat=decimal`). Alternate markets (`…_alternate`) list several points per
player; each point is its own market. "Yes" outcomes (anytime scorer) are a 0.5 line.
"""

from collections.abc import Iterator
from typing import IO, Any

from .base import FeedFormat, FormatError, load_json_document
from .report import RowError

ALTERNATE_SUFFIX = "_alternate"


class OddsApiFormat(FeedFormat):
    name = "oddsapi"
    description = "The Odds API event odds (JSON)"

    def detect(self, head: str) -> bool:
        return '"bookmakers"' in head and '"sport_key"' in head

    def records(self, stream: IO[bytes]) -> Iterator[tuple[str, dict[str, Any] | RowError]]:
        document = load_json_document(stream, "The Odds API event odds")
        if isinstance(document, dict):
            events = [("", document)]
        elif isinstance(document, list):
            events = [(f"[{index}].", event) for index, event in enumerate(document)]
        else:
            raise FormatError("Not The Odds API event odds: expected an event or a list of events.")
        if not events or not all(isinstance(e, dict) and "bookmakers" in e for _, e in events):
            raise FormatError("Not The Odds API event odds: an event without `bookmakers`.")
        for prefix, event in events:
            yield from _event_records(prefix, event)


def _event_records(
    prefix: str, event: dict[str, Any]
) -> Iterator[tuple[str, dict[str, Any] | RowError]]:
    for b, bookmaker in enumerate(event.get("bookmakers") or []):
        for m, market in enumerate(bookmaker.get("markets") or []):
            path = f"{prefix}bookmakers[{b}].markets[{m}]"
            key = str(market.get("key", ""))
            alternate = key.endswith(ALTERNATE_SUFFIX)
            sides: dict[Any, Any] = {}
            for o, outcome in enumerate(market.get("outcomes") or []):
                location = f"{path}.outcomes[{o}]"
                if not isinstance(outcome, dict) or not outcome.get("description"):
                    yield location, RowError(location, "description", "the player is missing.")
                    continue
                side = str(outcome.get("name", "")).lower()
                point = 0.5 if side == "yes" else outcome.get("point")
                group = (outcome["description"], point if alternate else None)
                sides.setdefault(group, {"location": location})[side] = outcome
            for (player, _), found in sides.items():
                over = found.get("over") or found.get("yes")
                under = found.get("under")
                if over is None and under is None:
                    continue
                yield found["location"], _record(event, bookmaker, market, player, over, under)


def _record(
    event: dict[str, Any],
    bookmaker: dict[str, Any],
    market: dict[str, Any],
    player: str,
    over: Any,
    under: Any,
) -> dict[str, Any]:
    key = market["key"]
    alternate = key.endswith(ALTERNATE_SUFFIX)
    point = (over or under).get("point", 0.5 if over and over.get("name") == "Yes" else None)
    external_id = f"{event.get('id')}|{key}|{player}"
    if alternate:
        external_id += f"|{point}"
    record = {
        "external_id": external_id,
        "platform": bookmaker.get("key"),
        "league": event.get("sport_key"),
        "player_name": player,
        "stat": key.removesuffix(ALTERNATE_SUFFIX),
        "line": point,
        "game_id": event.get("id"),
        "game_date": event.get("commence_time"),
        "extra_metadata": {
            "bookmaker": bookmaker.get("title"),
            "market": key,
            "last_update": market.get("last_update") or bookmaker.get("last_update"),
            "home_team": event.get("home_team"),
            "away_team": event.get("away_team"),
            "under_price": under.get("price") if under else None,
        },
    }
    price = over.get("price") if over else None
    if price is not None and _is_american(price):
        record["american_odds"] = price
    else:
        record["odds"] = price
    return record


def _is_american(price: Any) -> bool:
    try:
        return abs(float(price)) >= 100
    except (TypeError, ValueError):
        return True
