"""Admins start a feed import over HTTP and follow its runs."""

import asyncio

import httpx
import pytest

pytestmark = [pytest.mark.postgres, pytest.mark.asyncio(loop_scope="session")]

CSV = (
    "remote_id;title;employer_name;is_public;city;zipcode;weeks;max_candidates;"
    "grades;sector_id\n"
    "C1;Agent d'accueil;Mairie de Nevers;FAUX;Nevers;58000;2027-W05;2;troisieme;"
    "b7564ac4-e184-41c4-a7a9-57233a9d244a\n"
    "C2;Agent d'accueil;Mairie;FAUX;Nevers;58000;2027-W99;2;troisieme;"
    "b7564ac4-e184-41c4-a7a9-57233a9d244a\n"
)


async def test_admin_imports_a_csv_feed_and_sees_the_report(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    started = await client.post(
        "/admin/feeds/collectivites/runs?format=csv",
        content=CSV.encode(),
        headers=admin_headers,
    )
    assert started.status_code == 202, started.text
    for _ in range(50):
        runs = (
            await client.get("/admin/feeds/collectivites/runs", headers=admin_headers)
        ).json()
        if runs[0]["status"] != "running":
            break
        await asyncio.sleep(0.1)
    run = runs[0]
    assert (run["status"], run["accepted"], run["rejected"]) == ("completed", 1, 1)
    assert (run["rows_done"], run["rows_total"]) == (2, 2)
    assert run["rejections"][0]["row"] == 2
    everything = await client.get("/admin/feeds/runs", headers=admin_headers)
    assert run["id"] in [r["id"] for r in everything.json()]


async def test_feed_admin_is_for_admins(client: httpx.AsyncClient) -> None:
    response = await client.get("/admin/feeds/runs")
    assert response.status_code == 401
