"""Access to the real public data set that sits beside the repository (shared/data)."""

import csv
import json
import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[4]


def shared_data_dir() -> Path:
    """shared/data: $STAGE_SHARED_DATA, else `../shared/data` from the repo."""
    configured = os.environ.get("STAGE_SHARED_DATA")
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "data"


@dataclass(frozen=True)
class College:
    uai: str
    name: str
    city: str
    lat: float
    lon: float


def college(uai: str) -> College:
    """A collège of colleges-geo.csv, by UAI."""
    with (shared_data_dir() / "colleges-geo.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Code UAI"] == uai:
                lon, lat = json.loads(row["coordinates"])["coordinates"]
                return College(
                    uai, row["ETABLISSEMENT"], row["Commune"], float(lat), float(lon)
                )
    raise LookupError(uai)
