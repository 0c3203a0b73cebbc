"""Events of the identity service, version 1.

They carry ids, school, department, grade and gender (statistics need them), never a
person's name, an email address, a phone number or a birth date (a school's name
and city are public directory data).

Topics: `identity.school.v1` (key: UAI), `identity.school_class.v1` (key: class id),
`identity.user.v1` (key: user id).
"""

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import Field

from contracts.common import Gender, GeoPoint, Grade, IsoWeek, Uai
from contracts.envelope import EventBase, event_type_field

SchoolKind = Literal["rep", "rep_plus", "qpv", "qpv_proche", "lycee"]
StaffRole = Literal[
    "school_head",
    "main_teacher",
    "teacher",
    "cpe",
    "documentalist",
    "psychologist",
    "school_admin_staff",
]
_DEPARTMENT = Field(
    pattern=r"^(\d{2,3}|2A|2B)$",
    description="Department code of the school (2 or 3 characters, 2A/2B).",
    examples=["93"],
)
_SCHOOL_UAI = Field(description="UAI of the school.", examples=["0932030B"])
_USER_ID = Field(
    description="Id of the user account.",
    examples=["9b2f6a3e-1c4d-4e8f-9a0b-2c3d4e5f6a7b"],
)
_CLASS_ID = Field(
    description="Id of the class.", examples=["3f1e2d3c-4b5a-4697-8877-665544332211"]
)


class SchoolListed(EventBase):
    """The school directory import created or changed a school: it is eligible.

    Published for every school the import creates or changes, never for an unchanged
    one, so statistics can count eligible schools that have not registered yet.
    """

    event_type: Literal["school.listed"] = event_type_field("school.listed")
    uai: Uai = _SCHOOL_UAI
    school_name: str = Field(
        description="Name of the school in the national directory.",
        examples=["Collège Jean Jaurès"],
    )
    city: str = Field(description="City of the school.", examples=["Saint-Ouen"])
    kind: SchoolKind = Field(
        description="Priority-education kind of a collège, or `lycee`.",
        examples=["rep_plus"],
    )
    department_code: str = _DEPARTMENT
    academy: str = Field(description="Academy.", examples=["Créteil"])
    region: str = Field(description="Region.", examples=["Ile-de-France"])
    location: GeoPoint = Field(description="Coordinates of the school.")


class SchoolRegistered(EventBase):
    """A head of school registered the school; its pupils may now be invited."""

    event_type: Literal["school.registered"] = event_type_field("school.registered")
    uai: Uai = _SCHOOL_UAI
    kind: SchoolKind = Field(
        description="Priority-education kind of a collège, or `lycee`.",
        examples=["rep_plus"],
    )
    department_code: str = _DEPARTMENT
    academy: str = Field(description="Academy.", examples=["Créteil"])
    region: str = Field(description="Region.", examples=["Ile-de-France"])
    location: GeoPoint = Field(description="Coordinates of the school.")
    weeks: tuple[IsoWeek, ...] = Field(
        description="Internship weeks of the school year.", examples=[["2027-W03"]]
    )
    perimeter_km: int = Field(
        ge=1, description="Search radius around the school, in km.", examples=[60]
    )
    national_search: bool = Field(
        description="Pupils may search offers everywhere in France.", examples=[False]
    )


class SchoolWeeksChanged(EventBase):
    """The internship weeks of a school changed."""

    event_type: Literal["school.weeks_changed"] = event_type_field(
        "school.weeks_changed"
    )
    uai: Uai = _SCHOOL_UAI
    weeks: tuple[IsoWeek, ...] = Field(
        description="Internship weeks after the change.",
        examples=[["2027-W03", "2027-W04"]],
    )


class SchoolPerimeterChanged(EventBase):
    """The head of school opened or closed national search for the school."""

    event_type: Literal["school.perimeter_changed"] = event_type_field(
        "school.perimeter_changed"
    )
    uai: Uai = _SCHOOL_UAI
    perimeter_km: int = Field(
        ge=1, description="Search radius around the school, in km.", examples=[60]
    )
    national_search: bool = Field(
        description="Pupils may search offers everywhere in France.", examples=[True]
    )


class ClassCreated(EventBase):
    """A class was opened to the platform."""

    event_type: Literal["class.created"] = event_type_field("class.created")
    class_id: UUID = _CLASS_ID
    school_uai: Uai = _SCHOOL_UAI
    department_code: str = _DEPARTMENT
    grade: Grade = Field(description="Grade of the class.", examples=["3e"])


class PupilRegistered(EventBase):
    """A pupil account was created by the pupil's main teacher."""

    event_type: Literal["pupil.registered"] = event_type_field("pupil.registered")
    user_id: UUID = _USER_ID
    school_uai: Uai = _SCHOOL_UAI
    class_id: UUID = _CLASS_ID
    department_code: str = _DEPARTMENT
    grade: Grade = Field(description="Grade of the pupil.", examples=["3e"])
    gender: Gender = Field(description="Gender as declared.", examples=["f"])


class PupilAuthorised(EventBase):
    """The signed parental authorisation was received: the pupil may now apply."""

    event_type: Literal["pupil.authorised"] = event_type_field("pupil.authorised")
    user_id: UUID = _USER_ID
    school_uai: Uai = _SCHOOL_UAI
    class_id: UUID = _CLASS_ID
    department_code: str = _DEPARTMENT
    grade: Grade = Field(description="Grade of the pupil.", examples=["3e"])
    received_on: date = Field(
        description="Day the school received the signed form.", examples=["2026-11-24"]
    )
    recorded_by: UUID = Field(
        description="Id of the staff member who recorded it.",
        examples=["5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d"],
    )


class StaffJoined(EventBase):
    """A staff member activated their account in a school."""

    event_type: Literal["staff.joined"] = event_type_field("staff.joined")
    user_id: UUID = _USER_ID
    school_uai: Uai = _SCHOOL_UAI
    department_code: str = _DEPARTMENT
    role: StaffRole = Field(description="Role in the school.", examples=["teacher"])


class UserAnonymised(EventBase):
    """A user's personal data was erased; consumers erase their copies too."""

    event_type: Literal["user.anonymised"] = event_type_field("user.anonymised")
    user_id: UUID = _USER_ID
    role: str = Field(description="Role the user had.", examples=["pupil"])
    school_uai: Uai | None = Field(
        default=None, description="UAI of the user's school, if any.", examples=[None]
    )


# The directory events stay out of SCHOOL_EVENTS: consumers use that tuple as the
# closed set of a school's onboarding events and would not know what to do with them.
DIRECTORY_EVENTS = (SchoolListed,)
SCHOOL_EVENTS = (
    SchoolRegistered,
    SchoolWeeksChanged,
    SchoolPerimeterChanged,
)
CLASS_EVENTS = (ClassCreated,)
USER_EVENTS = (PupilRegistered, PupilAuthorised, StaffJoined, UserAnonymised)

__all__ = [
    "CLASS_EVENTS",
    "DIRECTORY_EVENTS",
    "SCHOOL_EVENTS",
    "USER_EVENTS",
    "ClassCreated",
    "Gender",
    "PupilAuthorised",
    "PupilRegistered",
    "SchoolKind",
    "SchoolListed",
    "SchoolPerimeterChanged",
    "SchoolRegistered",
    "SchoolWeeksChanged",
    "StaffJoined",
    "StaffRole",
    "UserAnonymised",
]
