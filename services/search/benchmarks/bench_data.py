"""Realistic offers for the benchmark, from the shared public data.

Sectors are the real ONISEP ones; cities and their weights come from the 2025
offers sample, placed at the positions of the service's place table (schools of
the public data) with a few kilometres of scatter; titles name real trades.
"""

import csv
import datetime as dt
import itertools
import json
import random
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from contracts.common import GeoPoint
from contracts.offers.v1 import OfferAddress, OfferSnapshot
from search.domain.errors import PlaceNotFound
from search.domain.places import Place, gazetteer

TRADES = {
    "Commerce et distribution": ["vendeur", "caissier", "chef de rayon", "fleuriste"],
    "Hôtellerie, restauration": ["cuisinier", "serveur", "pâtissier", "réceptionniste"],
    "Bâtiment et travaux publics (BTP)": [
        "maçon",
        "électricien",
        "plombier",
        "charpentier",
        "géomètre",
    ],
    "Médical": ["médecin", "pharmacien", "infirmier", "vétérinaire"],
    "Paramédical": ["kinésithérapeute", "orthophoniste", "opticien", "ambulancier"],
    "Enseignement": ["professeur des écoles", "documentaliste", "éducateur"],
    "Informatique et réseaux": ["développeur", "technicien réseau", "cybersécurité"],
    "Automobile": ["mécanicien automobile", "carrossier", "garagiste"],
    "Banque et assurance": ["conseiller bancaire", "assureur", "gestionnaire"],
    "Droit et justice": ["avocat", "greffier", "notaire", "huissier"],
    "Agriculture": ["agriculteur", "maraîcher", "viticulteur", "éleveur"],
    "Artisanat d'art": ["ébéniste", "céramiste", "bijoutier", "luthier"],
    "Audiovisuel": ["monteur vidéo", "cadreur", "ingénieur du son"],
    "Sport": ["éducateur sportif", "entraîneur", "maître-nageur"],
    "Industrie alimentaire": ["boulanger", "boucher", "fromager", "chocolatier"],
}
GENERIC = ["assistant", "technicien", "responsable", "chargé de projet", "agent"]
TITLES = [
    "Découverte du métier de {t}",
    "Stage d'observation: {t}",
    "Une semaine avec un {t}",
    "Observer le travail d'un {t}",
]
EMPLOYERS = [
    "{T} {c}",
    "Atelier {c}",
    "Maison {c}",
    "Société {c} Services",
    "Mairie de {c}",
    "Centre {c}",
    "Groupe {c}",
]
SENTENCES = [
    "Vous découvrirez le quotidien de l'équipe.",
    "Accueil des clients et conseil.",
    "Participation aux réunions.",
    "Observation des gestes professionnels et de la sécurité.",
    "Visite des ateliers et échanges avec les salariés.",
    "Présentation des formations et des parcours possibles.",
    "Découverte des outils numériques du métier.",
]
SCHOOL_WEEKS = [f"2027-W{w:02d}" for w in (3, 4, 5, 11, 12, 13, 22, 23, 24, 25, 26)]


@dataclass(frozen=True)
class Sector:
    id: str
    name: str

    @property
    def trades(self) -> list[str]:
        return TRADES.get(self.name, GENERIC)


def sectors(data: Path) -> list[Sector]:
    with (data / "sectors.csv").open(encoding="utf-8") as handle:
        return [Sector(row["uuid"], row["name"]) for row in csv.DictReader(handle)]


def weighted_places(data: Path) -> tuple[list[Place], list[int]]:
    """Cities of the 2025 sample that the place table knows, by number of offers."""
    counts: Counter[tuple[str, str]] = Counter()
    with (data / "offers-2025-sample.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            counts[(row["Ville"], row["Code postal"])] += 1
    places, weights = [], []
    table = gazetteer()
    for (city, postal), count in counts.items():
        try:
            place = table.resolve(postal)
        except PlaceNotFound:
            try:
                place = table.resolve(city)
            except PlaceNotFound:
                continue
        places.append(place)
        weights.append(count)
    return places, weights


def college_points(data: Path) -> list[tuple[float, float]]:
    """Positions of the real collèges, where benchmark queries are centred."""
    with (data / "colleges-geo.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    points = []
    for row in rows:
        lon, lat = json.loads(row["coordinates"])["coordinates"]
        points.append((float(lat), float(lon)))
    return points


def offers(n: int, data: Path, *, seed: int = 7) -> Iterator[tuple[str, OfferSnapshot]]:
    """`n` offers as (id, snapshot), built without validation for speed."""
    rng = random.Random(seed)
    all_sectors = sectors(data)
    places, weights = weighted_places(data)
    cumulative = list(itertools.accumulate(weights))
    now = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)
    for i in range(n):
        sector = rng.choice(all_sectors)
        trade = rng.choice(sector.trades)
        place = rng.choices(places, cum_weights=cumulative)[0]
        yield (
            str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            _snapshot(rng, i, sector, trade, place, now),
        )


def _snapshot(
    rng: random.Random,
    i: int,
    sector: Sector,
    trade: str,
    place: Place,
    now: dt.datetime,
) -> OfferSnapshot:
    location = GeoPoint.model_construct(
        lat=place.lat + rng.uniform(-0.04, 0.04),
        lon=place.lon + rng.uniform(-0.05, 0.05),
    )
    address = OfferAddress.model_construct(
        street=f"{rng.randint(1, 120)} rue de la République",
        postal_code=place.postal_code,
        city=place.city,
        department_code=place.department_code,
        location=location,
    )
    grade = rng.random()
    return OfferSnapshot.model_construct(
        title=rng.choice(TITLES).format(t=trade),
        description=" ".join(rng.sample(SENTENCES, 3)),
        employer_name=rng.choice(EMPLOYERS).format(T=trade.capitalize(), c=place.city),
        is_public=rng.random() < 0.25,
        sector_id=uuid.UUID(sector.id),
        sector_name=sector.name,
        address=address,
        weeks=tuple(sorted(rng.sample(SCHOOL_WEEKS, rng.randint(1, 4)))),
        seats=rng.randint(1, 5),
        grades=("3e",) if grade < 0.6 else ("2de",) if grade < 0.9 else ("3e", "2de"),
        reserved_school_uais=(),
        remote=rng.random() < 0.03,
        accessible=rng.random() < 0.3,
        school_year=2026,
        updated_at=now - dt.timedelta(minutes=i % 100_000),
    )
