"""The convention: pre-filled, completed by the employer, then by the school, signed.

Steps, in order: the employer completes its part (it may edit it again until the
school validates); the head of school or the administrative staff completes the
school's part and validates, which fixes the document to sign; then every party
signs, in any order. When the last one has signed, the convention is fully signed.
"""

import enum
import hashlib
import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta

from conventions.domain import errors
from conventions.domain.ledger import GENESIS, SignatureEntry, append

MAX_DAYS_COLLEGE = 5  # 3e and 4e: at most 5 consecutive days
MAX_DAYS_LYCEE = 10  # 2de: the two June weeks


class Status(enum.StrEnum):
    DRAFT = "draft"
    COMPLETED_BY_EMPLOYER = "completed_by_employer"
    VALIDATED_BY_SCHOOL = "validated_by_school"
    FULLY_SIGNED = "fully_signed"
    CANCELLED = "cancelled"


class Signatory(enum.StrEnum):
    SCHOOL_HEAD = "school_head"
    EMPLOYER = "employer"
    PUPIL = "pupil"
    LEGAL_REPRESENTATIVE_1 = "legal_representative_1"
    LEGAL_REPRESENTATIVE_2 = "legal_representative_2"


SIGNATORY_LABELS = {
    Signatory.SCHOOL_HEAD: "le chef d'établissement",
    Signatory.EMPLOYER: "l'organisme d'accueil",
    Signatory.PUPIL: "l'élève",
    Signatory.LEGAL_REPRESENTATIVE_1: "le représentant légal 1",
    Signatory.LEGAL_REPRESENTATIVE_2: "le représentant légal 2",
}


@dataclass(frozen=True)
class DaySchedule:
    day: date
    start: time
    end: time
    lunch_minutes: int = 60


@dataclass(frozen=True)
class EmployerPart:
    representative_name: str
    representative_role: str
    siret: str
    tutor_name: str
    tutor_role: str
    tutor_email: str
    tutor_phone: str
    schedule: tuple[DaySchedule, ...]
    activities: str
    learning_goals: str


@dataclass(frozen=True)
class LegalRepresentative:
    name: str
    address: str
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class SchoolPart:
    school_representative_name: str
    school_representative_role: str
    pupil_name: str
    pupil_birth_date: date
    pupil_class: str
    legal_representative_1: LegalRepresentative
    referent_teacher_name: str
    insurance: str
    transport_terms: str
    meals_terms: str
    legal_representative_2: LegalRepresentative | None = None


def _missing(part: object) -> list[str]:
    return [
        f.name
        for f in fields(part)  # type: ignore[arg-type]
        if isinstance(getattr(part, f.name), str) and not getattr(part, f.name).strip()
    ]


def check_schedule(
    schedule: tuple[DaySchedule, ...], *, grade: str, weeks: tuple[str, ...]
) -> None:
    """Days inside the internship weeks, consecutive, at most 5 (10 in 2de)."""
    if not schedule:
        raise errors.MissingFields(["schedule"])
    days = sorted(entry.day for entry in schedule)
    allowed = {monday_of(week) + timedelta(days=n) for week in weeks for n in range(5)}
    if not set(days) <= allowed:
        raise errors.WrongStep(
            "Les jours de stage doivent tomber dans les semaines prévues."
        )
    if any(entry.end <= entry.start for entry in schedule):
        raise errors.WrongStep("Chaque journée doit finir après avoir commencé.")
    limit = MAX_DAYS_LYCEE if grade == "2de" else MAX_DAYS_COLLEGE
    if len(days) > limit or _breaks(days, grade):
        raise errors.TooManyDays()


def _breaks(days: list[date], grade: str) -> bool:
    # 3e: consecutive calendar days (a weekend ends the internship). 2de: the two
    # weeks may straddle a weekend, so gaps of up to three days are allowed.
    largest_gap = 3 if grade == "2de" else 1
    return any((b - a).days > largest_gap for a, b in itertools.pairwise(days))


def monday_of(iso_week: str) -> date:
    year, week = iso_week.split("-W")
    return date.fromisocalendar(int(year), int(week), 1)


@dataclass
class Convention:
    id: uuid.UUID
    application_id: uuid.UUID
    pupil_id: uuid.UUID
    offer_id: uuid.UUID
    school_uai: str
    grade: str
    weeks: tuple[str, ...]
    prefill: dict[str, str]
    clauses: tuple[str, ...]
    status: Status = Status.DRAFT
    employer_part: EmployerPart | None = None
    school_part: SchoolPart | None = None
    document_sha256: str | None = None
    signatures: list[SignatureEntry] = field(default_factory=list)

    def complete_employer_part(self, part: EmployerPart) -> None:
        self._expect(Status.DRAFT, Status.COMPLETED_BY_EMPLOYER)
        if missing := _missing(part):
            raise errors.MissingFields(missing)
        check_schedule(part.schedule, grade=self.grade, weeks=self.weeks)
        self.employer_part = part
        self.status = Status.COMPLETED_BY_EMPLOYER

    def validate_by_school(
        self, part: SchoolPart, *, render: Callable[["Convention"], bytes]
    ) -> bytes:
        """Completes the school's part and fixes the document everyone will sign.

        `render` makes the document from the completed convention; its SHA-256 is
        kept and recorded in every signature. Returns the document.
        """
        self._expect(Status.COMPLETED_BY_EMPLOYER)
        parent = part.legal_representative_1
        missing = _missing(part) + [
            f"legal_representative_1.{m}" for m in _missing(parent)
        ]
        if missing:
            raise errors.MissingFields(missing)
        self.school_part = part
        document = render(self)
        self.document_sha256 = hashlib.sha256(document).hexdigest()
        self.status = Status.VALIDATED_BY_SCHOOL
        return document

    def required_signatories(self) -> list[Signatory]:
        roles = [Signatory.SCHOOL_HEAD, Signatory.EMPLOYER, Signatory.PUPIL]
        roles.append(Signatory.LEGAL_REPRESENTATIVE_1)
        if self.school_part is not None and self.school_part.legal_representative_2:
            roles.append(Signatory.LEGAL_REPRESENTATIVE_2)
        return roles

    def missing_signatories(self) -> list[Signatory]:
        signed = {entry.role for entry in self.signatures}
        return [
            role for role in self.required_signatories() if role.value not in signed
        ]

    def sign(
        self, role: Signatory, *, signer: str, at: datetime, ip: str, user_agent: str
    ) -> SignatureEntry:
        """Records one signature in the chained ledger (the code was checked before)."""
        self._expect(Status.VALIDATED_BY_SCHOOL)
        if role not in self.required_signatories():
            raise errors.NotASigner()
        if role not in self.missing_signatories():
            raise errors.AlreadySigned()
        entry = SignatureEntry(
            convention_id=str(self.id),
            role=role.value,
            signer=signer,
            signed_at=at,
            ip=ip,
            user_agent=user_agent[:300],
            document_sha256=self.document_sha256 or "",
            previous_hash=GENESIS,
        )
        sealed = append(self.signatures, entry)
        if not self.missing_signatories():
            self.status = Status.FULLY_SIGNED
        return sealed

    def cancel(self) -> None:
        if self.status is Status.CANCELLED:
            raise errors.Cancelled()
        self.status = Status.CANCELLED

    def _expect(self, *statuses: Status) -> None:
        if self.status is Status.CANCELLED:
            raise errors.Cancelled()
        if self.status not in statuses:
            raise errors.WrongStep()
