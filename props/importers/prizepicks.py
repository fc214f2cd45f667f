"""PrizePicks `/projections` JSON:API documents: each projection in `data` joined to its player
(`new_player`), league, stat type and duration in `included`. One market per projection; the
projection id is the external id (it stays when PrizePicks moves the line)."""

from collections.abc import Iterator
from typing import IO, Any

from .base import FeedFormat, FormatError, load_json_document
from .report import RowError

KEPT_ATTRIBUTES = (
    "odds_type",
    "projection_type",
    "is_promo",
    "flash_sale_line_score",
    "board_time",
    "end_time",
    "updated_at",
    "status",
)


class PrizePicksFormat(FeedFormat):
    name = "prizepicks"
    description = "PrizePicks projections (JSON:API)"

    def detect(self, head: str) -> bool:
        return '"projection"' in head and '"data"' in head

    def records(self, stream: IO[bytes]) -> Iterator[tuple[str, dict[str, Any] | RowError]]:
        document = load_json_document(stream, "a PrizePicks projections document")
        if not isinstance(document, dict) or not isinstance(document.get("data"), list):
            raise FormatError("Not a PrizePicks projections document: no `data` list.")
        included = {
            (item.get("type"), str(item.get("id"))): item.get("attributes") or {}
            for item in document.get("included") or []
            if isinstance(item, dict)
        }
        for index, projection in enumerate(document["data"]):
            location = f"data[{index}]"
            try:
                yield location, _record(projection, included)
            except (KeyError, TypeError, AttributeError) as exc:
                yield location, RowError(location, "projection", f"malformed, missing {exc}.")
            except _Missing as exc:
                yield location, RowError(location, exc.field, exc.reason)


class _Missing(Exception):
    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason


def _related(projection: dict[str, Any], included: dict[tuple[Any, str], Any], name: str) -> Any:
    link = (projection.get("relationships") or {}).get(name) or {}
    data = link.get("data")
    if not data:
        return None
    attributes = included.get((data.get("type"), str(data.get("id"))))
    if attributes is None:
        raise _Missing(
            f"relationships.{name}", f"{data.get('type')} {data.get('id')} not in included."
        )
    return attributes


def _record(projection: dict[str, Any], included: dict[tuple[Any, str], Any]) -> Any:
    if projection.get("type") != "projection":
        raise _Missing("type", f"{projection.get('type')!r} is not a projection.")
    attributes = projection["attributes"]
    player = _related(projection, included, "new_player") or {}
    league = _related(projection, included, "league") or {}
    duration = _related(projection, included, "duration")
    metadata = {key: attributes.get(key) for key in KEPT_ATTRIBUTES if key in attributes}
    if player.get("combo"):
        metadata["combo"] = True
    if duration:
        metadata["duration"] = duration.get("name")
    return {
        "external_id": projection.get("id"),
        "platform": "prizepicks",
        "league": league.get("name") or player.get("league"),
        "player_id": (projection.get("relationships", {}).get("new_player") or {})
        .get("data", {})
        .get("id"),
        "player_name": player.get("display_name") or player.get("name"),
        "position": player.get("position"),
        "team": player.get("team"),
        "opponent": attributes.get("description"),
        "stat": attributes.get("stat_type"),
        "line": attributes.get("line_score"),
        "game_id": attributes.get("game_id"),
        "game_date": attributes.get("start_time"),
        "extra_metadata": metadata,
    }
