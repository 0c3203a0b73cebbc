"""What employers are told, in French, at the offer's contact address.

Pupils' names never appear: the employer reads the application in the platform.
"""

from applications.domain.model import Application
from applications.domain.rules import OfferView
from kit.senders import Message

SIGN_OFF = "\n\nL'équipe des stages d'observation"


def _weeks(application: Application) -> str:
    return ", ".join(w.replace("-W", " semaine ") for w in application.weeks)


def _to(offer: OfferView, subject: str, body: str) -> list[Message]:
    if not offer.contact_email:
        return []
    return [Message(offer.contact_email, None, subject, body + SIGN_OFF)]


def new_application(offer: OfferView, application: Application) -> list[Message]:
    return _to(
        offer,
        f"Nouvelle candidature : {offer.title}",
        f"Un élève a candidaté à votre offre « {offer.title} » "
        f"({_weeks(application)}). Répondez-lui depuis votre espace employeur.",
    )


def reminder(offer: OfferView, application: Application) -> list[Message]:
    return _to(
        offer,
        f"Une candidature attend votre réponse : {offer.title}",
        f"Une candidature à votre offre « {offer.title} » ({_weeks(application)}) "
        "attend une réponse depuis 7 jours. Sans réponse, elle expirera et l'élève "
        "cherchera ailleurs : acceptez-la ou refusez-la depuis votre espace employeur.",
    )


def chose_another(offer: OfferView, application: Application) -> list[Message]:
    return _to(
        offer,
        f"Candidature annulée : {offer.title}",
        f"L'élève qui avait candidaté à votre offre « {offer.title} » "
        f"({_weeks(application)}) a choisi un autre stage : sa candidature est "
        "annulée, la place reste libre pour un autre élève.",
    )
