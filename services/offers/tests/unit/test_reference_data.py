import csv
from collections import Counter

from kit.testing.data import shared_data_dir
from offers.domain.errors import InvalidOffer
from offers.geodata import geocoder, sectors


def test_every_sector_of_the_real_offers_is_known() -> None:
    path = shared_data_dir() / "offers-2025-sample.csv"
    with path.open(encoding="utf-8") as handle:
        used = {row["secteur"] for row in csv.DictReader(handle, delimiter=";")}
    names = {sector.name for sector in sectors()}
    assert used - names == set()


def test_partner_numbers_and_ids_are_stable_and_unique() -> None:
    known = sectors()
    assert [s.number for s in known] == list(range(1, len(known) + 1))
    assert len({s.id for s in known}) == len({s.name for s in known}) == len(known)
    # The predecessor's numbering: the ONISEP list first, in its order.
    assert (known[0].name, known[41].name) == ("Mode", "Culture et patrimoine")


def test_most_real_offers_are_placed_offline() -> None:
    path = shared_data_dir() / "offers-2025-sample.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    precisions: Counter[str] = Counter()
    for row in rows:
        try:
            placement = geocoder().place(
                postal_code=row["Code postal"].strip().zfill(5),
                city=row["Ville"],
                location=None,
            )
        except InvalidOffer:
            precisions["not_placed"] += 1
        else:
            precisions[placement.precision] += 1
    # Schools' places alone left 8,074 of the 27,206 rows out.
    assert precisions["intercommunality"] > 6000
    assert precisions["not_placed"] < len(rows) * 0.05
