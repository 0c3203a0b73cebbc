import dataclasses
import hashlib
import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest

from conventions.domain import errors
from conventions.domain.codes import MAX_ATTEMPTS, OneTimeCode
from conventions.domain.ledger import first_broken
from conventions.domain.model import (
    Convention,
    DaySchedule,
    EmployerPart,
    LegalRepresentative,
    SchoolPart,
    Signatory,
    Status,
    monday_of,
)

T0 = datetime(2027, 1, 5, 10, 0, tzinfo=UTC)
WEEK = "2027-W03"
MONDAY = monday_of(WEEK)


def days(count: int, start: date = MONDAY) -> tuple[DaySchedule, ...]:
    return tuple(
        DaySchedule(start + timedelta(days=n), time(9), time(16, 30))
        for n in range(count)
    )


def convention(grade: str = "3e", weeks: tuple[str, ...] = (WEEK,)) -> Convention:
    return Convention(
        id=uuid.uuid4(),
        application_id=uuid.uuid4(),
        pupil_id=uuid.uuid4(),
        offer_id=uuid.uuid4(),
        school_uai="0350913C",
        grade=grade,
        weeks=weeks,
        prefill={"host": "Boulangerie Martin"},
        clauses=("Article 1 : ...",),
    )


def employer_part(**overrides: object) -> EmployerPart:
    values: dict[str, object] = {
        "representative_name": "Claire Martin",
        "representative_role": "Gérante",
        "siret": "89338184800017",
        "tutor_name": "Paul Martin",
        "tutor_role": "Boulanger",
        "tutor_email": "paul@example.org",
        "tutor_phone": "0612345678",
        "schedule": days(5),
        "activities": "Pétrissage, cuisson, vente.",
        "learning_goals": "Découvrir un métier de bouche.",
    }
    return EmployerPart(**(values | overrides))  # type: ignore[arg-type]


def school_part(second_parent: bool = False) -> SchoolPart:
    parent = LegalRepresentative(
        "Nadia Benali", "3 rue de Brest, Rennes", email="n@example.org"
    )
    return SchoolPart(
        school_representative_name="M. Le Goff",
        school_representative_role="Principal",
        pupil_name="Yanis Benali",
        pupil_birth_date=date(2012, 4, 2),
        pupil_class="3e B",
        legal_representative_1=parent,
        legal_representative_2=(
            LegalRepresentative("Karim Benali", "Rennes", phone="0700000000")
            if second_parent
            else None
        ),
        referent_teacher_name="Mme Durand",
        insurance="MAIF contrat 123",
        transport_terms="Transports en commun",
        meals_terms="Repas tiré du sac",
    )


def validated(second_parent: bool = False) -> Convention:
    c = convention()
    c.complete_employer_part(employer_part())
    c.validate_by_school(school_part(second_parent), render=lambda _: b"document")
    return c


def sign(c: Convention, role: Signatory, at: datetime = T0) -> None:
    c.sign(role, signer=f"{role}-id", at=at, ip="127.0.0.1", user_agent="test")


class TestSteps:
    def test_the_steps_in_order(self) -> None:
        c, seen = convention(), []
        c.complete_employer_part(employer_part())
        seen.append(c.status)
        c.complete_employer_part(employer_part(activities="Autre chose"))  # edit again
        seen.append(c.status)
        c.validate_by_school(school_part(), render=lambda _: b"document")
        seen.append(c.status)
        assert seen == [
            Status.COMPLETED_BY_EMPLOYER,
            Status.COMPLETED_BY_EMPLOYER,
            Status.VALIDATED_BY_SCHOOL,
        ]

    def test_the_school_cannot_validate_before_the_employer(self) -> None:
        with pytest.raises(errors.WrongStep):
            convention().validate_by_school(school_part(), render=lambda _: b"document")

    def test_signing_before_validation_is_refused(self) -> None:
        c = convention()
        c.complete_employer_part(employer_part())
        with pytest.raises(errors.WrongStep):
            sign(c, Signatory.PUPIL)
        assert c.signatures == []

    def test_the_employer_cannot_edit_after_validation(self) -> None:
        with pytest.raises(errors.WrongStep):
            validated().complete_employer_part(employer_part())

    def test_missing_fields_are_named(self) -> None:
        with pytest.raises(errors.MissingFields) as refused:
            convention().complete_employer_part(
                employer_part(tutor_name=" ", activities="")
            )
        assert refused.value.fields == ["tutor_name", "activities"]


class TestSchedule:
    def test_a_3e_internship_lasts_at_most_5_consecutive_days(self) -> None:
        two_weeks = convention(weeks=(WEEK, "2027-W04"))
        with pytest.raises(errors.TooManyDays):
            two_weeks.complete_employer_part(
                employer_part(
                    schedule=(
                        *days(5),
                        DaySchedule(MONDAY + timedelta(days=7), time(9), time(12)),
                    )
                )
            )
        gap = (days(1)[0], DaySchedule(MONDAY + timedelta(days=2), time(9), time(12)))
        with pytest.raises(errors.TooManyDays):
            convention().complete_employer_part(employer_part(schedule=gap))

    def test_2de_spans_the_two_june_weeks(self) -> None:
        june = ("2027-W24", "2027-W25")
        c = convention(grade="2de", weeks=june)
        ten = days(5, monday_of(june[0])) + days(5, monday_of(june[1]))
        c.complete_employer_part(employer_part(schedule=ten))
        assert c.status is Status.COMPLETED_BY_EMPLOYER

    def test_days_outside_the_weeks_are_refused(self) -> None:
        with pytest.raises(errors.WrongStep, match="semaines prévues"):
            convention().complete_employer_part(
                employer_part(schedule=days(1, MONDAY + timedelta(days=7)))
            )


class TestSignatures:
    def test_every_party_signs_in_any_order_then_it_is_fully_signed(self) -> None:
        c = validated(second_parent=True)
        order = [
            Signatory.LEGAL_REPRESENTATIVE_2,
            Signatory.PUPIL,
            Signatory.EMPLOYER,
            Signatory.LEGAL_REPRESENTATIVE_1,
        ]
        for n, role in enumerate(order):
            sign(c, role, T0 + timedelta(minutes=n))
            assert c.status is Status.VALIDATED_BY_SCHOOL
        sign(c, Signatory.SCHOOL_HEAD)
        assert c.status is Status.FULLY_SIGNED
        document_hash = hashlib.sha256(b"document").hexdigest()
        assert [e.document_sha256 for e in c.signatures] == [document_hash] * 5
        assert first_broken(c.signatures) is None

    def test_the_second_parent_signs_only_when_there_is_one(self) -> None:
        with pytest.raises(errors.NotASigner):
            sign(validated(second_parent=False), Signatory.LEGAL_REPRESENTATIVE_2)

    def test_nobody_signs_twice(self) -> None:
        c = validated()
        sign(c, Signatory.PUPIL)
        with pytest.raises(errors.AlreadySigned):
            sign(c, Signatory.PUPIL)
        assert len(c.signatures) == 1

    def test_a_cancelled_convention_takes_no_signature(self) -> None:
        c = validated()
        c.cancel()
        with pytest.raises(errors.Cancelled):
            sign(c, Signatory.PUPIL)


class TestLedger:
    def test_a_tampered_entry_is_detected_where_it_is(self) -> None:
        c = validated()
        for role in (Signatory.PUPIL, Signatory.EMPLOYER, Signatory.SCHOOL_HEAD):
            sign(c, role)
        c.signatures[1] = dataclasses.replace(c.signatures[1], ip="10.0.0.1")
        assert first_broken(c.signatures) == 1

    def test_a_removed_entry_breaks_the_chain(self) -> None:
        c = validated()
        for role in (Signatory.PUPIL, Signatory.EMPLOYER, Signatory.SCHOOL_HEAD):
            sign(c, role)
        del c.signatures[0]
        assert first_broken(c.signatures) == 0


class TestOneTimeCode:
    def test_the_right_code_works_once(self) -> None:
        code, otp = OneTimeCode.issue(T0)
        assert len(code) == 6
        assert code.isdigit()
        otp.check(code, T0 + timedelta(minutes=9))
        with pytest.raises(errors.CodeVoid):
            otp.check(code, T0 + timedelta(minutes=9))

    def test_a_code_expires_after_10_minutes(self) -> None:
        code, otp = OneTimeCode.issue(T0)
        with pytest.raises(errors.CodeExpired):
            otp.check(code, T0 + timedelta(minutes=10))

    def test_five_wrong_codes_void_it_even_for_the_right_one(self) -> None:
        code, otp = OneTimeCode.issue(T0)
        wrong = "000000" if code != "000000" else "111111"
        for attempt in range(1, MAX_ATTEMPTS):
            with pytest.raises(
                errors.WrongCode, match=f"encore {MAX_ATTEMPTS - attempt}"
            ):
                otp.check(wrong, T0)
        with pytest.raises(errors.CodeVoid):
            otp.check(wrong, T0)
        with pytest.raises(errors.CodeVoid):
            otp.check(code, T0)
        assert otp.digest != code, "only a hash of the code is kept"
