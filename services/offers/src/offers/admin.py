"""Admin routes: partner operators (their API token is shown once)."""

import uuid

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from offers.api import AdminDep
from offers.operators import OperatorStore

router = APIRouter(prefix="/admin", tags=["administration"])


class NewOperator(BaseModel):
    name: str = Field(min_length=1, max_length=150)
    email: str = Field(min_length=3, max_length=250)
    password: str = Field(min_length=12, max_length=200)
    quota_per_minute: int | None = Field(default=None, ge=1)


class OperatorCreated(BaseModel):
    id: uuid.UUID
    api_token: str


@router.post("/operators", status_code=201, summary="Créer un opérateur partenaire")
async def create_operator(
    body: NewOperator, _: AdminDep, request: Request
) -> OperatorCreated:
    """Renvoie le jeton d'API v1 de l'opérateur; il n'est plus jamais affiché."""
    store: OperatorStore = request.app.state.operators
    quota = body.quota_per_minute or request.app.state.settings.partner_quota_per_minute
    operator, token = await store.create(
        name=body.name, email=body.email, password=body.password, quota_per_minute=quota
    )
    return OperatorCreated(id=operator.id, api_token=token)
