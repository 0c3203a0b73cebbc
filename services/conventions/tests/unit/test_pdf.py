import hashlib
import io
import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from pypdf import PdfReader

from conventions import pdf
from conventions.domain import errors
from conventions.domain.model import (
    Convention,
    DaySchedule,
    EmployerPart,
    LegalRepresentative,
    SchoolPart,
    Signatory,
    monday_of,
)

T0 = datetime(2027, 1, 5, 10, 0, tzinfo=UTC)
MONDAY = monday_of("2027-W03")


def ready() -> Convention:
    convention = Convention(
        id=uuid.uuid4(),
        application_id=uuid.uuid4(),
        pupil_id=uuid.uuid4(),
        offer_id=uuid.uuid4(),
        school_uai="0350913C",
        grade="3e",
        weeks=("2027-W03",),
        prefill={
            "school_name": "Collège Clotilde Vautier",
            "host_name": "Boulangerie Œuvre & Pain",
            "host_address": "12 rue de Saint-Malo, 35000 Rennes",
        },
        clauses=("Article 10 - Le règlement intérieur du collège s'applique.",),
    )
    schedule = tuple(
        DaySchedule(MONDAY + timedelta(days=n), time(9), time(16, 30)) for n in range(5)
    )
    convention.complete_employer_part(
        EmployerPart(
            "Claire Martin",
            "Gérante",
            "89338184800017",
            "Paul Martin",
            "Boulanger",
            "paul@example.org",
            "0612345678",
            schedule,
            "Pétrissage et cuisson.",
            "Découvrir un métier de bouche.",
        )
    )
    convention.validate_by_school(
        SchoolPart(
            "M. Le Goff",
            "Principal",
            "Yanis Benali",
            date(2012, 4, 2),
            "3e B",
            LegalRepresentative(
                "Nadia Benali", "3 rue de Brest, Rennes", email="n@example.org"
            ),
            "Mme Durand",
            "MAIF contrat 123",
            "Bus",
            "Repas tiré du sac",
        ),
        render=pdf.document,
    )
    return convention


def text_of(content: bytes) -> str:
    return "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(content)).pages
    )


def test_the_document_names_every_party_the_dates_and_the_hours() -> None:
    text = text_of(pdf.document(ready()))
    for expected in (
        "Collège Clotilde Vautier",
        "Boulangerie OEuvre & Pain",
        "Yanis Benali",
        "Nadia Benali",
        "Paul Martin",
        "du 18/01/2027 au 22/01/2027",
        "Lundi 18/01/2027",
        "09:00 - 16:30",
        "Article 5 - Sécurité",
        "Article 10 - Le règlement intérieur",
        "Annexe financière",
    ):
        assert expected in text, expected


def test_rendering_is_deterministic_so_the_hash_can_be_checked() -> None:
    convention = ready()
    again = hashlib.sha256(pdf.document(convention)).hexdigest()
    assert again == convention.document_sha256


def test_the_signed_copy_lists_each_signature_record() -> None:
    convention = ready()
    for role in (Signatory.PUPIL, Signatory.SCHOOL_HEAD):
        convention.sign(
            role, signer=f"{role}-id", at=T0, ip="192.0.2.7", user_agent="Firefox"
        )
    text = text_of(pdf.signed_copy(convention))
    assert "l'élève (pupil-id)" in text
    assert "le chef d'établissement (school_head-id)" in text
    assert "05/01/2027 10:00:00 UTC" in text
    assert convention.signatures[1].entry_hash in text.replace("\n", "")
    assert convention.document_sha256 is not None
    assert convention.document_sha256 in text.replace("\n", "")


def test_a_convention_is_not_printed_before_the_school_validates() -> None:
    convention = ready()
    convention.school_part = None
    with pytest.raises(errors.WrongStep):
        pdf.document(convention)
