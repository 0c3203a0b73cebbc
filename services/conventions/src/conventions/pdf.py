"""The convention as a PDF: the document the parties sign, then the signed copy.

`document` renders everything but the signatures; its SHA-256 is fixed when the
school validates and recorded in every signature. `signed_copy` adds a last page
listing each signature record. Rendering is deterministic (fixed creation date and
no random ids), so the same convention always gives the same bytes.
"""

import unicodedata
from datetime import UTC, datetime, timedelta

from fpdf import FPDF

from conventions.domain import errors
from conventions.domain.model import (
    SIGNATORY_LABELS,
    Convention,
    EmployerPart,
    SchoolPart,
    Signatory,
    monday_of,
)

FIXED_DATE = datetime(2020, 1, 1, tzinfo=UTC)
# The built-in PDF fonts cover Latin-1 only: typographic signs outside it are mapped.
_REPLACEMENTS = str.maketrans(
    {"’": "'", "‘": "'", "“": '"', "”": '"', "œ": "oe", "Œ": "OE", "–": "-", "—": "-"}
    | {"…": "...", "\u202f": " ", "€": "EUR"}
)

ARTICLES: tuple[tuple[str, str], ...] = (
    (
        "Article 1 - Objet",
        "La présente convention organise une séquence d'observation en milieu "
        "professionnel pour l'élève nommé ci-dessus, dans le cadre de sa "
        "scolarité. L'élève observe et découvre des métiers ; il ne produit pas "
        "de travail pour l'organisme d'accueil.",
    ),
    (
        "Article 2 - Statut de l'élève",
        "Pendant la séquence, l'élève reste sous statut scolaire et sous "
        "l'autorité du chef d'établissement. Il ne perçoit aucune rémunération "
        "ni gratification.",
    ),
    (
        "Article 3 - Encadrement",
        "Un tuteur désigné par l'organisme d'accueil accompagne l'élève ; un "
        "professeur référent de l'établissement suit le déroulement de la "
        "séquence.",
    ),
    (
        "Article 4 - Horaires",
        "Les horaires figurent à l'annexe pédagogique. Ils respectent la durée "
        "du travail applicable aux mineurs et incluent une pause méridienne.",
    ),
    (
        "Article 5 - Sécurité",
        "L'élève n'accède à aucune machine, aucun produit ni aucun lieu "
        "dangereux, et n'effectue aucune tâche réglementée pour les mineurs.",
    ),
    (
        "Article 6 - Assurances et responsabilité",
        "L'établissement et l'organisme d'accueil s'assurent que leur "
        "responsabilité civile couvre les dommages que l'élève pourrait causer "
        "ou subir pendant la séquence.",
    ),
    (
        "Article 7 - Accident",
        "En cas d'accident, l'organisme d'accueil prévient sans délai le chef "
        "d'établissement, qui fait la déclaration nécessaire.",
    ),
    (
        "Article 8 - Discipline et absences",
        "L'élève respecte le règlement de l'organisme d'accueil. Toute absence "
        "ou tout manquement est signalé au chef d'établissement, qui peut "
        "mettre fin à la séquence.",
    ),
    (
        "Article 9 - Signatures",
        "La convention prend effet quand l'établissement, l'organisme "
        "d'accueil, l'élève et son ou ses représentants légaux l'ont signée.",
    ),
)


def _text(value: str) -> str:
    mapped = value.translate(_REPLACEMENTS)
    return "".join(c if ord(c) < 256 else _latin1(c) for c in mapped)


def _latin1(char: str) -> str:
    base = unicodedata.normalize("NFKD", char)[:1]
    return base if base and ord(base) < 256 else "?"


class _Pdf(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__()
        self.set_creation_date(FIXED_DATE)
        self.set_title(_text(title))
        self.set_auto_page_break(auto=True, margin=15)
        self.add_page()

    def heading(self, text: str, size: int = 13) -> None:
        self.set_font("Helvetica", "B", size)
        self.multi_cell(0, 7, _text(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def paragraph(self, text: str) -> None:
        self.set_font("Helvetica", "", 10)
        self.multi_cell(0, 5, _text(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def field(self, label: str, value: str) -> None:
        self.set_font("Helvetica", "B", 10)
        self.cell(60, 6, _text(label))
        self.set_font("Helvetica", "", 10)
        self.multi_cell(0, 6, _text(value or "-"), new_x="LMARGIN", new_y="NEXT")


def _parts(convention: Convention) -> tuple[EmployerPart, SchoolPart]:
    if convention.employer_part is None or convention.school_part is None:
        raise errors.WrongStep(
            "La convention s'imprime une fois validée par l'établissement."
        )
    return convention.employer_part, convention.school_part


def _dates(convention: Convention) -> str:
    first = monday_of(min(convention.weeks))
    last = monday_of(max(convention.weeks)) + timedelta(days=4)
    return f"du {first:%d/%m/%Y} au {last:%d/%m/%Y}"


def _parties(pdf: _Pdf, convention: Convention) -> None:
    employer, school = _parts(convention)
    pdf.heading("Les parties")
    school_name = convention.prefill.get("school_name", "")
    pdf.field("Établissement", f"{school_name} (UAI {convention.school_uai})")
    pdf.field(
        "représenté par",
        f"{school.school_representative_name}, {school.school_representative_role}",
    )
    pdf.field("Organisme d'accueil", convention.prefill.get("host_name", ""))
    pdf.field("Adresse du stage", convention.prefill.get("host_address", ""))
    pdf.field("SIRET", employer.siret)
    pdf.field(
        "représenté par",
        f"{employer.representative_name}, {employer.representative_role}",
    )
    contact = f"{employer.tutor_email}, {employer.tutor_phone}"
    pdf.field("Tuteur", f"{employer.tutor_name}, {employer.tutor_role} ({contact})")
    born = f"{school.pupil_birth_date:%d/%m/%Y}"
    pdf.field(
        "Élève", f"{school.pupil_name}, né(e) le {born}, classe {school.pupil_class}"
    )
    for number, parent in enumerate(
        (school.legal_representative_1, school.legal_representative_2), 1
    ):
        if parent is not None:
            contact = ", ".join(x for x in (parent.email, parent.phone) if x)
            pdf.field(
                f"Représentant légal {number}",
                f"{parent.name}, {parent.address} ({contact})",
            )
    pdf.field("Professeur référent", school.referent_teacher_name)
    pdf.field("Période", _dates(convention))


def _annexes(pdf: _Pdf, convention: Convention) -> None:
    employer, school = _parts(convention)
    pdf.heading("Annexe pédagogique")
    for day in sorted(employer.schedule, key=lambda d: d.day):
        hours = f"{day.start:%H:%M} - {day.end:%H:%M}, pause de {day.lunch_minutes} min"
        pdf.field(f"{DAYS[day.day.weekday()]} {day.day:%d/%m/%Y}", hours)
    pdf.field("Activités observées", employer.activities)
    pdf.field("Ce que l'élève apprendra", employer.learning_goals)
    pdf.heading("Annexe financière")
    pdf.field("Assurance", school.insurance)
    pdf.field("Transport", school.transport_terms)
    pdf.field("Restauration", school.meals_terms)


TITLE = "Convention relative à une séquence d'observation en milieu professionnel"
DAYS = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")


def _body(pdf: _Pdf, convention: Convention) -> None:
    pdf.heading(TITLE, 14)
    pdf.paragraph(f"Convention n° {convention.id} - élève de {convention.grade}")
    _parties(pdf, convention)
    for title, body in ARTICLES:
        pdf.heading(title, 11)
        pdf.paragraph(body)
    for clause in convention.clauses:
        pdf.paragraph(clause)
    _annexes(pdf, convention)


def document(convention: Convention) -> bytes:
    """The PDF every party signs: articles, parties, dates and hours, annexes."""
    pdf = _Pdf(f"Convention de stage {convention.id}")
    _body(pdf, convention)
    return bytes(pdf.output())


def signed_copy(convention: Convention) -> bytes:
    """The document followed by a page listing every signature record."""
    pdf = _Pdf(f"Convention de stage {convention.id}")
    _body(pdf, convention)
    pdf.add_page()
    pdf.heading("Signatures")
    pdf.paragraph(f"Empreinte SHA-256 du document signé : {convention.document_sha256}")
    for entry in convention.signatures:
        label = SIGNATORY_LABELS[Signatory(entry.role)]
        pdf.field("Signataire", f"{label} ({entry.signer})")
        pdf.field(
            "Date", entry.signed_at.astimezone(UTC).strftime("%d/%m/%Y %H:%M:%S UTC")
        )
        pdf.field("Adresse IP, navigateur", f"{entry.ip}, {entry.user_agent}")
        pdf.field("Empreinte de l'entrée", entry.entry_hash)
        pdf.ln(3)
    return bytes(pdf.output())
