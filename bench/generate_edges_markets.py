"""bench/generate_markets.py's board with both sides of every sportsbook line, for the edges
benchmark (bench/edges.py).

The board generator gives a sportsbook market only its Over price (`odds`); fair odds need the
Under as well. This writes the same rows (same seed, same lines, so pick'em lines match the books'
as often as there) with each sportsbook market's Under price in `extra_metadata.under_price`
(decimal, as The Odds API importer keeps it), priced so the pair carries a 3-6% margin.

Usage: python bench/generate_edges_markets.py OUT.csv [--rows 1000000] [--seed 7]
"""

import argparse
import csv
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_markets import COLUMNS, SPORTSBOOKS, rows

ODDS = COLUMNS.index("odds")
PLATFORM = COLUMNS.index("platform")
METADATA = COLUMNS.index("extra_metadata")


def with_under_prices(board, seed):
    margin_rng = random.Random(seed + 1)
    for row in board:
        if row[PLATFORM] in SPORTSBOOKS and row[ODDS] != "":
            over_probability = 1 / float(row[ODDS])
            under_probability = 1 + margin_rng.uniform(0.03, 0.06) - over_probability
            row[METADATA] = json.dumps({"under_price": round(1 / under_probability, 4)})
        yield row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with open(args.out, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(with_under_prices(rows(args.rows, args.seed), args.seed))


if __name__ == "__main__":
    main()
