"""French words for the codes the services answer with."""

import datetime as dt

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
    "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip

STATUSES = {
    "submitted": "envoyée",
    "read_by_employer": "lue par l'employeur",
    "examined": "à l'étude",
    "validated_by_employer": "acceptée par l'employeur, à confirmer",
    "approved": "confirmée",
    "rejected": "refusée",
    "canceled_by_employer": "annulée par l'employeur",
    "canceled_by_pupil": "annulée par l'élève",
    "expired": "expirée",
    "transferred": "transférée",
    "draft": "à remplir par l'organisme d'accueil",
    "completed_by_employer": "à compléter par l'établissement",
    "validated_by_school": "en signature",
    "fully_signed": "signée par toutes les parties",
    "cancelled": "annulée",
    "published": "publiée",
    "unpublished": "retirée de la recherche",
    "removed": "supprimée",
    "nothing_yet": "aucune candidature",
    "applied": "a postulé",
    "accepted": "acceptée, à confirmer",
    "confirmed": "stage confirmé",
}

SCHOOL_KINDS = {
    "rep": "collèges REP",
    "rep_plus": "collèges REP+",
    "qpv": "collèges accueillant des élèves de QPV",
    "qpv_proche": "collèges proches d'un QPV",
    "lycee": "lycées",
    "inconnu": "non renseigné",
}

ROLES = {
    "pupil": "élève",
    "school_head": "chef d'établissement",
    "main_teacher": "professeur principal",
    "teacher": "professeur",
    "cpe": "CPE",
    "documentalist": "professeur documentaliste",
    "psychologist": "psychologue de l'Éducation nationale",
    "school_admin_staff": "personnel administratif",
    "employer": "employeur",
    "operator": "opérateur",
    "referent_department": "référent départemental",
    "referent_academy": "référent académique",
    "referent_region": "référent régional",
    "referent_central": "référent de l'administration centrale",
    "admin": "administrateur",
    "legal_representative_1": "représentant légal 1",
    "legal_representative_2": "représentant légal 2",
}

PREFILL = {
    "offer_title": "Stage",
    "host_name": "Organisme d'accueil",
    "host_address": "Adresse du stage",
}

GENDERS = {"f": "filles", "m": "garçons", "not_said": "non précisé"}

FLASH = {
    "applied": "Votre candidature est envoyée.",
    "confirmed": "Votre stage est confirmé. La convention va être préparée.",
    "cancelled": "La candidature est annulée.",
    "decided": "Votre décision est enregistrée.",
    "cv_saved": "Votre CV est enregistré.",
    "offer_saved": "L'offre est enregistrée.",
    "offer_changed": "L'offre est mise à jour.",
    "signed_in": "Vous êtes connecté.",
    "signed_out": "Vous êtes déconnecté.",
    "signed_up": "Compte créé : ouvrez le lien reçu pour l'activer.",
    "activated": "Votre compte est activé, vous pouvez vous connecter.",
    "reset_sent": "Si ce compte existe, un lien vient d'être envoyé.",
    "password_changed": "Votre mot de passe est changé, connectez-vous.",
    "code_sent": "Un code de signature vient de vous être envoyé.",
    "signed": "Votre signature est enregistrée.",
    "part_saved": "Votre partie de la convention est enregistrée.",
    "school_saved": "C'est enregistré.",
    "invited": "L'invitation est envoyée.",
    "registered": "Inscription reçue : ouvrez le lien envoyé à l'adresse de "
    "l'établissement.",
    "job_done": "Le traitement est lancé.",
}


def week_label(week: str) -> str:
    """`2027-W03` → `semaine du 18 janvier 2027`."""
    try:
        year, number = week.split("-W")
        monday = dt.date.fromisocalendar(int(year), int(number), 1)
    except ValueError:
        return week
    return f"semaine du {monday.day} {MONTHS[monday.month - 1]} {monday.year}"


def date_label(moment: str | None) -> str:
    """`2026-11-24T20:53:19Z` → `24/11/2026`; nothing known → `-`."""
    if not moment:
        return "-"
    try:
        return dt.date.fromisoformat(moment[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return moment


def status_label(code: str) -> str:
    return STATUSES.get(code, code)


def role_label(code: str) -> str:
    return ROLES.get(code, code)
