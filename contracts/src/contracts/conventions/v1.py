"""Events of the convention aggregate, version 1 (topic `conventions.convention.v1`).

They carry the facts of the application the convention belongs to (ids, sector,
weeks, school, departments, grade, gender), never a name or a contact.
"""

from typing import Literal
from uuid import UUID

from pydantic import Field

from contracts.applications.v1 import ApplicationFacts
from contracts.envelope import EventBase, event_type_field

ConventionStatus = Literal[
    "draft", "completed_by_employer", "validated_by_school", "fully_signed", "cancelled"
]
SignatoryRole = Literal[
    "school_head",
    "employer",
    "pupil",
    "legal_representative_1",
    "legal_representative_2",
]


class ConventionEvent(EventBase):
    """Fields common to every convention event."""

    application_id: UUID = Field(
        description="The confirmed application the convention is for.",
        examples=["4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"],
    )
    application: ApplicationFacts = Field(description="What the internship is about.")
    status: ConventionStatus = Field(
        description="Status after the change.", examples=["validated_by_school"]
    )


class ConventionCreated(ConventionEvent):
    """A pupil confirmed an internship: its convention is created, pre-filled."""

    event_type: Literal["convention.created"] = event_type_field("convention.created")


class ConventionCompletedByEmployer(ConventionEvent):
    """The host organisation completed its part."""

    event_type: Literal["convention.completed_by_employer"] = event_type_field(
        "convention.completed_by_employer"
    )


class ConventionValidatedBySchool(ConventionEvent):
    """The school completed its part and validated: the document to sign is fixed."""

    event_type: Literal["convention.validated_by_school"] = event_type_field(
        "convention.validated_by_school"
    )
    document_sha256: str = Field(
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 of the PDF every party signs.",
        examples=["ab" * 32],
    )


class ConventionSigned(ConventionEvent):
    """One party signed."""

    event_type: Literal["convention.signed"] = event_type_field("convention.signed")
    role: SignatoryRole = Field(description="Who signed.", examples=["pupil"])


class ConventionFullySigned(ConventionEvent):
    """Every party has signed: the internship may take place."""

    event_type: Literal["convention.fully_signed"] = event_type_field(
        "convention.fully_signed"
    )
    final_pdf_sha256: str = Field(
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 of the signed copy (document plus signature page).",
        examples=["cd" * 32],
    )


class ConventionCancelled(ConventionEvent):
    """The application was cancelled, and so was its convention."""

    event_type: Literal["convention.cancelled"] = event_type_field(
        "convention.cancelled"
    )


CONVENTION_EVENTS = (
    ConventionCreated,
    ConventionCompletedByEmployer,
    ConventionValidatedBySchool,
    ConventionSigned,
    ConventionFullySigned,
    ConventionCancelled,
)
