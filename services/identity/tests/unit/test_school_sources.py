from pathlib import Path

import pytest

from identity.domain.schools import (
    academic_address,
    normalise_department,
    normalise_uai,
)
from identity.domain.text import fold
from identity.school_sources import read_all
from kit.testing.data import shared_data_dir

LYCEES = (
    "\ufeffIdentifiant_de_l_etablissement;Nom_etablissement;Adresse_1;Code_postal;"
    "Nom_commune;Code_departement;Libelle_departement;Libelle_academie;"
    "Libelle_region;Mail;latitude;longitude\r\n"
    "0932030B;Lycée Maurice Utrillo;152 rue Jean Durand;93240;Stains;093;"
    "Seine-Saint-Denis;Créteil;Ile-de-France;ce.0932030b@ac-creteil.fr;48.95;2.37\r\n"
    "0932030B;Lycée Maurice Utrillo;;93240;Stains;093;Seine-Saint-Denis;Créteil;"
    "Ile-de-France;;48.95;2.37\r\n"
    "0930000A;Lycée sans point;;93000;Bobigny;093;Seine-Saint-Denis;Créteil;"
    "Ile-de-France;;;\r\n"
)
MS3E = (
    "name,city,department,zipcode,code_uai,coordinates,street,kind\n"
    "Aimé Césaire,Saint-Denis,Seine-Saint-Denis,93200,0931234x,"
    "POINT (2.35 48.93),1 rue A,qpv\n"
    "Sans type,Saint-Denis,Seine-Saint-Denis,93200,0931235Y,POINT (2.35 48.93),,\n"
    "Mal formé,Saint-Denis,Seine-Saint-Denis,93200,093123,POINT (2.35 48.93),,rep\n"
    "Loin,Ailleurs,Atlantide,00000,0931236Z,POINT (2.35 48.93),,rep\n"
)
NETWORK = (
    "ACADEMIE;N°Département;DEPARTEMENT;COMMUNE;UAI tête de réseau;NUMERO;"
    "NOM DE L'ETABLISSEMENT;TYPE_DETABLISSEMENT;EP\n"
    "CRETEIL;93;SEINE-SAINT-DENIS;SAINT-DENIS;0931234X;0931234X;CESAIRE;COLLEGE;REP+\n"
)
GEO = (
    "Département,zipcode,Commune,ETABLISSEMENT,Code UAI,coordinates\n"
    'Seine-Saint-Denis,93200,Saint-Denis,Autre,0939999K,"{""type"":""Point"",'
    '""coordinates"":[2.3,48.9]}"\n'
)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    for name, text in {
        "lycees-annuaire.csv": LYCEES,
        "colleges-rep-ms3e.csv": MS3E,
        "rep-network-2022.csv": NETWORK,
        "colleges-geo.csv": GEO,
    }.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_reads_merges_and_rejects_with_reasons(data_dir: Path) -> None:
    schools, report = read_all(data_dir)
    by_uai = {school.uai: school for school in schools}
    assert set(by_uai) == {"0931234X", "0932030B"}
    college = by_uai["0931234X"]
    assert college.kind == "rep_plus"  # the 2022 REP map wins over "qpv"
    assert (college.lat, college.lon) == (48.93, 2.35)
    assert (college.department_code, college.academy) == ("93", "Créteil")
    assert college.academy_domain == "ac-creteil.fr"
    assert by_uai["0932030B"].kind == "lycee"
    reasons = {(item.uai, item.reason) for item in report.rejections}
    assert reasons == {
        ("0931235Y", "type d'éducation prioritaire absent (ni REP, REP+, ni QPV)"),
        ("093123", "UAI mal formé"),
        ("0931236Z", "département inconnu"),
        ("0939999K", "absent des listes REP/REP+/QPV: type inconnu"),
        ("0932030B", "doublon dans le fichier"),
        ("0930000A", "coordonnées absentes"),
    }


def test_the_real_shared_data_gives_every_collège_and_lycée() -> None:
    schools, report = read_all(shared_data_dir())
    kinds = {school.kind for school in schools}
    assert kinds == {"rep", "rep_plus", "qpv", "qpv_proche", "lycee"}
    assert len(schools) > 6800
    assert len(report.rejections) < 200
    assert all(school.academy_domain.startswith("ac-") for school in schools)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0910714g", "0910714G"), ("065 0740B", "0650740B"), ("061156A", None)],
)
def test_uai_normalisation(raw: str, expected: str | None) -> None:
    assert normalise_uai(raw) == expected


def test_department_and_address_helpers() -> None:
    assert [normalise_department(c) for c in ("093", "02A", "971")] == [
        "93",
        "2A",
        "971",
    ]
    assert academic_address("0932030B", "ac-creteil.fr") == "ce.0932030b@ac-creteil.fr"
    assert fold("  Côte-d'Or  ÉCOLE") == "cote d or ecole"
