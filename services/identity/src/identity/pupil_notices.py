"""What pupils are told when an employer answers: identity holds their contact.

The applications service knows pupils by id only; identity follows its events and
writes to the pupil (email, or SMS through the gateway) when the answer calls for
something: confirm within 15 days, look elsewhere, or learn that a week is lost.
The message is staged in the same transaction as the inbox claim.
"""

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import EventBase
from contracts.applications import v1 as applications
from identity.db import MAIL_OUTBOX, User
from kit.mail_outbox import stage
from kit.senders import Message

SIGN_OFF = "\n\nL'équipe des stages d'observation"
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
    "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def _weeks(event: applications.ApplicationEvent) -> str:
    labels = []
    for week in event.application.weeks:
        year, number = week.split("-W")
        monday = dt.date.fromisocalendar(int(year), int(number), 1)
        labels.append(f"semaine du {monday.day} {MONTHS[monday.month - 1]}")
    return ", ".join(labels)


def notice_for(event: EventBase) -> tuple[str, str] | None:
    """Subject and body of what the pupil is told, or None when nothing is due."""
    if not isinstance(event, applications.ApplicationEvent):
        return None
    weeks = _weeks(event)
    if isinstance(event, applications.ApplicationValidated):
        return (
            "Votre candidature est acceptée : confirmez votre stage",
            f"Bonne nouvelle : l'employeur accepte votre candidature ({weeks}). "
            "Confirmez ce stage dans « Mes candidatures » dans les 15 jours ; "
            "sans confirmation, la place ira à un autre élève.",
        )
    if isinstance(event, applications.ApplicationRejected):
        return (
            "Votre candidature n'a pas été retenue",
            f"L'employeur n'a pas retenu votre candidature ({weeks}). D'autres "
            "offres vous attendent près de votre établissement : continuez à "
            "chercher, votre professeur principal peut vous aider.",
        )
    if isinstance(event, applications.ApplicationCanceledByEmployer):
        return (
            "Votre stage est annulé par l'employeur",
            f"L'employeur a annulé votre candidature ({weeks}). Prévenez votre "
            "professeur principal et cherchez une autre offre pour ces dates.",
        )
    if isinstance(event, applications.ApplicationExpired):
        if event.previous_status == "validated_by_employer":
            return (
                "Votre stage n'a pas été confirmé à temps",
                f"Vous n'avez pas confirmé le stage accepté par l'employeur "
                f"({weeks}) dans les 15 jours : la place est libérée.",
            )
        return (
            "Votre candidature est restée sans réponse",
            f"L'employeur n'a pas répondu à votre candidature ({weeks}) : elle est "
            "close. Postulez à d'autres offres, il en reste près de chez vous.",
        )
    return None


async def notify_pupil(event: EventBase, session: AsyncSession) -> None:
    """Stages the pupil's message, if the event calls for one and the pupil has a
    contact (an anonymised pupil has none)."""
    notice = notice_for(event)
    if notice is None or not isinstance(event, applications.ApplicationEvent):
        return
    pupil = await session.get(User, event.application.pupil_id)
    if pupil is None or pupil.anonymised_at is not None:
        return
    if not (pupil.email or pupil.phone):
        return
    subject, body = notice
    await stage(
        session,
        MAIL_OUTBOX,
        Message(pupil.email, pupil.phone, subject, body + SIGN_OFF),
    )
