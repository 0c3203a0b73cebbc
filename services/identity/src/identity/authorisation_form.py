"""The printable parental authorisation (PDF), pre-filled with the pupil's school."""

from datetime import date

from fpdf import FPDF

TITLE = "Autorisation parentale"
SUBTITLE = "Stage d'observation en milieu professionnel"
PARAGRAPHS = (
    "Je soussigné(e), ......................................................, "
    "représentant(e) légal(e) de l'élève désigné(e) ci-dessous, autorise mon enfant "
    "à utiliser la plateforme nationale des stages d'observation pour rechercher un "
    "stage et y déposer des candidatures auprès des employeurs, administrations et "
    "associations qui publient des offres.",
    "J'ai pris connaissance que les seules données personnelles demandées à mon "
    "enfant sont ses nom, prénom, date de naissance, genre, établissement, classe, "
    "ainsi qu'une adresse électronique ou un numéro de téléphone mobile. Elles "
    "servent uniquement à l'organisation du stage et peuvent être effacées sur "
    "demande auprès de l'établissement.",
    "Une convention de stage sera signée entre l'établissement, l'organisme "
    "d'accueil, mon enfant et moi-même avant le début du stage.",
)


def _field(pdf: FPDF, label: str, value: str) -> None:
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(55, 8, label)
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(0, 8, value, new_x="LMARGIN", new_y="NEXT")


def render(*, pupil_name: str, class_name: str, school_name: str, uai: str) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(TITLE)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 12, TITLE, new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font("Helvetica", "", 12)
    pdf.cell(0, 8, SUBTITLE, new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.ln(6)
    _field(pdf, "Élève:", pupil_name)
    _field(pdf, "Classe:", class_name)
    _field(pdf, "Établissement:", f"{school_name} (UAI {uai})")
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 11)
    for paragraph in PARAGRAPHS:
        pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.ln(6)
    pdf.cell(0, 8, "Fait à .............................., le ..../..../........")
    pdf.ln(14)
    pdf.cell(0, 8, "Signature du ou des représentants légaux:")
    pdf.ln(30)
    pdf.set_font("Helvetica", "I", 9)
    pdf.multi_cell(
        0,
        5,
        "À remettre signée au professeur principal. L'établissement enregistre la "
        f"date de réception sur la plateforme. Imprimé le {date.today():%d/%m/%Y}.",
    )
    return bytes(pdf.output())
