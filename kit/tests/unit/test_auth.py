import uuid

import httpx
import pytest

from kit.auth import Principal, PrincipalDep, Role, TokenError
from kit.http import create_app
from kit.testing.tokens import TokenFactory

PRINCIPAL = Principal(
    user_id=uuid.uuid4(),
    role=Role.MAIN_TEACHER,
    school_uai="0350913C",
    class_id=uuid.uuid4(),
    department_code="35",
    academy="Rennes",
    region="Bretagne",
)


class TestTokenVerifier:
    def test_valid_token_gives_back_the_principal(self) -> None:
        tokens = TokenFactory()
        assert tokens.verifier().verify(tokens.issue(PRINCIPAL)) == PRINCIPAL

    def test_ministries_survive_the_round_trip(self) -> None:
        tokens = TokenFactory()
        referent = Principal(
            user_id=uuid.uuid4(),
            role=Role.REFERENT_CENTRAL,
            ministries=("Ministère des Armées", "Ministère de la Culture"),
        )
        assert tokens.verifier().verify(tokens.issue(referent)) == referent

    @pytest.mark.parametrize(
        ("make", "code"),
        [
            (lambda t: t.issue(PRINCIPAL, ttl_seconds=-5), "token_expired"),
            (lambda t: t.issue(PRINCIPAL, typ="refresh"), "token_invalid"),
            (lambda t: TokenFactory().issue(PRINCIPAL), "token_invalid"),
            (lambda t: t.issue(PRINCIPAL)[:-4] + "AAAA", "token_invalid"),
            (lambda t: "pas-un-jeton", "token_invalid"),
        ],
        ids=["expired", "refresh-as-access", "other-key", "tampered", "garbage"],
    )
    def test_bad_tokens_are_refused(self, make: object, code: str) -> None:
        tokens = TokenFactory()
        with pytest.raises(TokenError) as refused:
            tokens.verifier().verify(make(tokens))  # type: ignore[operator]
        assert refused.value.code == code


@pytest.mark.asyncio
async def test_dependency_answers_401_in_french_without_a_valid_token() -> None:
    tokens = TokenFactory()
    app = create_app(title="t", description="d")
    app.state.token_verifier = tokens.verifier()

    @app.get("/me")
    async def me(principal: PrincipalDep) -> dict[str, str]:
        return {"role": principal.role.value}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        ok = await client.get(
            "/me", headers={"Authorization": f"Bearer {tokens.issue(PRINCIPAL)}"}
        )
        missing = await client.get("/me")
        expired = await client.get(
            "/me",
            headers={
                "Authorization": f"Bearer {tokens.issue(PRINCIPAL, ttl_seconds=-1)}"
            },
        )
    assert ok.json() == {"role": "main_teacher"}
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "authentication_required"
    assert expired.status_code == 401
    assert expired.json()["error"] == {
        "code": "token_expired",
        "message": "Votre session a expiré, reconnectez-vous.",
    }
