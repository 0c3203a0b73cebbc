"""The map of results, drawn without any tile server: points around the centre."""

import math
from dataclasses import dataclass
from typing import Any

SIZE = 320
MARGIN = 20
KM_PER_DEGREE = 111.2


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    title: str
    href: str
    number: int


@dataclass(frozen=True)
class Plot:
    size: int
    centre: float
    radius_px: float
    radius_km: float
    points: list[Point]


def _offset_km(lat0: float, lon0: float, lat: float, lon: float) -> tuple[float, float]:
    east = (lon - lon0) * KM_PER_DEGREE * math.cos(math.radians(lat0))
    north = (lat - lat0) * KM_PER_DEGREE
    return east, north


def plot(lat0: float, lon0: float, radius_km: float | None, hits: list[Any]) -> Plot:
    """Places each hit on a square whose half-side is the search radius (or the
    farthest result when there is no radius)."""
    offsets = [_offset_km(lat0, lon0, h["lat"], h["lon"]) for h in hits]
    farthest = max((math.hypot(e, n) for e, n in offsets), default=0.0)
    reach = max(radius_km or 0.0, farthest, 1.0)
    half = SIZE / 2 - MARGIN
    scale = half / reach
    points = [
        Point(
            x=round(SIZE / 2 + east * scale, 1),
            y=round(SIZE / 2 - north * scale, 1),
            title=f"{hit['title']} ({hit['city']})",
            href=f"/offres/{hit['offer_id']}",
            number=number,
        )
        for number, (hit, (east, north)) in enumerate(
            zip(hits, offsets, strict=True), start=1
        )
    ]
    radius_px = (radius_km or 0) * scale
    return Plot(SIZE, SIZE / 2, round(radius_px, 1), reach, points)
