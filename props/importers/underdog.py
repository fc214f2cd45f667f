"""Underdog Fantasy over/under lines (`/over_under_lines`): each line's
`over_under.appearance_stat` joined through `appearances` to `players` and `games` (and
`teams` for abbreviations). One market per line; the line id is the external id; the higher and
lower options' payout multipliers (and prices, when given) are kept in extra_metadata, and the
higher option's decimal price, when the feed has one, is the market's odds."""

from collections.abc import Iterator
from typing import IO, Any

from .base import FeedFormat, FormatError, load_json_document
from .report import RowError


class UnderdogFormat(FeedFormat):
    name = "underdog"
    description = "Underdog over/under lines (JSON)"

    def detect(self, head: str) -> bool:
        return '"over_under_lines"' in head or ('"appearances"' in head and '"over_under"' in head)

    def records(self, stream: IO[bytes]) -> Iterator[tuple[str, dict[str, Any] | RowError]]:
        document = load_json_document(stream, "an Underdog over/under lines document")
        if not isinstance(document, dict) or not isinstance(document.get("over_under_lines"), list):
            raise FormatError("Not an Underdog document: no `over_under_lines` list.")
        tables = {
            name: _by_id(document.get(name))
            for name in ("appearances", "players", "games", "solo_games", "teams")
        }
        for index, line in enumerate(document["over_under_lines"]):
            location = f"over_under_lines[{index}]"
            try:
                yield location, _record(line, tables)
            except (KeyError, TypeError, AttributeError) as exc:
                yield location, RowError(location, "over_under", f"malformed, missing {exc}.")
            except LookupError as exc:
                yield location, RowError(location, "appearance_stat", str(exc.args[0]))


def _by_id(items: Any) -> dict[str, dict[str, Any]]:
    return {str(item.get("id")): item for item in items or [] if isinstance(item, dict)}


def _lookup(table: dict[str, dict[str, Any]], key: Any, what: str) -> dict[str, Any]:
    item = table.get(str(key))
    if item is None:
        raise LookupError(f"{what} {key} is not in the document.")
    return item


def _record(line: dict[str, Any], tables: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    stat = line["over_under"]["appearance_stat"]
    appearance = _lookup(tables["appearances"], stat["appearance_id"], "appearance")
    player = _lookup(tables["players"], appearance["player_id"], "player")
    match_id = str(appearance.get("match_id"))
    game = tables["games"].get(match_id) or tables["solo_games"].get(match_id) or {}
    team_id = appearance.get("team_id") or player.get("team_id")
    team = tables["teams"].get(str(team_id), {})
    opponent_id = next(
        (
            side
            for side in (game.get("home_team_id"), game.get("away_team_id"))
            if side and str(side) != str(team_id)
        ),
        None,
    )
    opponent = tables["teams"].get(str(opponent_id), {})
    options = {
        option.get("choice"): option for option in line.get("options") or [] if option.get("choice")
    }
    higher = options.get("higher", {})
    name = " ".join(part for part in (player.get("first_name"), player.get("last_name")) if part)
    return {
        "external_id": line["id"],
        "platform": "underdog",
        "league": player.get("sport_id") or game.get("sport_id"),
        "player_id": player.get("id"),
        "player_name": name,
        "position": player.get("position_name"),
        "team": team.get("abbr", ""),
        "opponent": opponent.get("abbr", ""),
        "stat": stat.get("stat") or stat.get("display_stat"),
        "line": line.get("stat_value"),
        "odds": higher.get("decimal_price"),
        "game_id": match_id if game else "",
        "game_date": game.get("scheduled_at"),
        "is_active": line.get("status", "active") == "active",
        "extra_metadata": {
            "display_stat": stat.get("display_stat"),
            "line_type": line.get("line_type"),
            "game_title": game.get("abbreviated_title"),
            "options": {
                choice: {
                    key: option.get(key)
                    for key in ("payout_multiplier", "american_price", "decimal_price")
                    if key in option
                }
                for choice, option in options.items()
            },
        },
    }
