"""Reading feeds: JSON Lines or CSV rows, each with its line number.

Rows use the fields of the partner API (v1), plus `ministry`. In CSV (`;`
separated), lists (`weeks`, `grades`) are comma separated and coordinates are the
`latitude` and `longitude` columns.
"""

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

FeedFormat = Literal["jsonl", "csv"]
LISTS = ("weeks", "grades")
BOOLEANS = ("is_public", "handicap_accessible", "rep", "qpv")
TRUE = {"true", "1", "oui", "vrai", "yes"}


@dataclass(frozen=True)
class RawRow:
    number: int
    raw: str
    fields: dict[str, Any] | None  # None: the row could not be read at all
    problem: str = ""


def _jsonl(text: str) -> Iterator[RawRow]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            fields = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RawRow(number, line, None, f"JSON illisible ({exc.msg})")
            continue
        if not isinstance(fields, dict):
            yield RawRow(number, line, None, "La ligne n'est pas un objet JSON.")
            continue
        yield RawRow(number, line, fields)


def _csv_fields(row: dict[str, str]) -> dict[str, Any]:
    fields: dict[str, Any] = {k: v.strip() for k, v in row.items() if k and v}
    for name in LISTS:
        if name in fields:
            fields[name] = [part.strip() for part in fields[name].split(",") if part]
    for name in BOOLEANS:
        if name in fields:
            fields[name] = fields[name].lower() in TRUE
    if "latitude" in fields and "longitude" in fields:
        fields["coordinates"] = {
            "latitude": fields.pop("latitude"),
            "longitude": fields.pop("longitude"),
        }
    return fields


def _csv(text: str) -> Iterator[RawRow]:
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    width = len(reader.fieldnames or ())
    for number, row in enumerate(reader, start=1):
        raw = ";".join(str(v) for v in row.values())
        if None in row or len(row) != width or None in row.values():
            yield RawRow(number, raw, None, "Nombre de colonnes incorrect.")
            continue
        yield RawRow(number, raw, _csv_fields(row))


def read_rows(text: str, feed_format: FeedFormat) -> Iterator[RawRow]:
    return _jsonl(text) if feed_format == "jsonl" else _csv(text)


def count_rows(text: str, feed_format: FeedFormat) -> int:
    """Rows in a feed, for progress (a CSV's header is not a row)."""
    lines = sum(1 for line in text.splitlines() if line.strip())
    return lines - 1 if feed_format == "csv" and lines else lines
