"""`uploadFile` through the real HTTP app against the real Neo4j: a GraphQL multipart request
(operations / map / file) loads an export file like `ingestFile` does, a second upload of the
same content is skipped, only admins may upload, names that are not export files or try to
leave the uploads folder are field errors, the size limit leaves no file behind, multipart
requests without an API-key (or preflight) header are refused, and no ingest dir = NOT_FOUND."""

from __future__ import annotations

import gzip
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from graph import locks
from graph.db import Database
from graph.maintenance import delete_all_data
from graph.settings import Settings
from ingestion.loader import INGEST_LOCK, IngestRun
from tests.api_helpers import KEYS, api_client, api_settings, codes

pytestmark = pytest.mark.asyncio(loop_scope="module")

UPLOAD = """mutation($file: Upload!, $force: Boolean! = false) {
  uploadFile(file: $file, force: $force) {
    runId rowsRead loaded quarantined ignored files { name sourceType status loaded } } }"""

ERASURES = """mutation($file: Upload!, $force: Boolean! = false) {
  uploadFile(file: $file, force: $force) { loaded erasuresHonoured erasuresWaiting } }"""


@pytest.fixture(scope="module")
def ingest_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("api-ingest")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(
    db: Database, settings: Settings, ingest_dir: Path
) -> AsyncIterator[httpx.AsyncClient]:
    delete_all_data(db)  # an empty graph (and no record of loaded files)
    async with api_client(api_settings(settings, ingest_dir=ingest_dir)) as c:
        yield c


async def upload(
    client: httpx.AsyncClient,
    name: str,
    content: bytes,
    role: str | None = "admin",
    force: bool = False,
    headers: dict[str, str] | None = None,
    query: str = UPLOAD,
) -> httpx.Response:
    """One GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec)."""
    operations = {"query": query, "variables": {"file": None, "force": force}}
    sent = {"X-API-Key": KEYS[role]} if role else {}
    return await client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (name, content, "text/csv")},
        headers={**sent, **(headers or {})},
    )


def body_of(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 400), response.text
    body: dict[str, Any] = response.json()
    return body


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def customer_records(db: Database) -> int:
    return int(db.query("MATCH (r:CustomerRecord) RETURN count(r) AS n")[0]["n"])


async def test_upload_loads_once_then_skips(
    client: httpx.AsyncClient, db: Database, demo_dir: Path, ingest_dir: Path
) -> None:
    content = (demo_dir / "crm_contacts.csv").read_bytes()
    body = body_of(await upload(client, "crm_contacts.csv", content))
    assert "errors" not in body, body
    result = body["data"]["uploadFile"]
    [file] = result["files"]
    assert (file["name"], file["sourceType"], file["status"]) == (
        "crm_contacts.csv", "crm_contacts", "loaded"
    )  # fmt: skip
    assert result["loaded"] > 0 and result["rowsRead"] == result["loaded"] + result["quarantined"]
    assert customer_records(db) == result["loaded"]
    assert files_under(ingest_dir) == {"uploads/crm_contacts.csv"}
    assert (ingest_dir / "uploads" / "crm_contacts.csv").read_bytes() == content

    again = body_of(await upload(client, "crm_contacts.csv", content))
    assert "errors" not in again, again
    assert [f["status"] for f in again["data"]["uploadFile"]["files"]] == ["skipped"]
    assert customer_records(db) == result["loaded"]
    forced = body_of(await upload(client, "crm_contacts.csv", content, force=True))
    assert [f["status"] for f in forced["data"]["uploadFile"]["files"]] == ["loaded"]
    assert customer_records(db) == result["loaded"]  # a forced re-load writes nothing new


async def test_a_gzip_compressed_upload_is_loaded(
    client: httpx.AsyncClient, db: Database, demo_dir: Path, ingest_dir: Path
) -> None:
    """Shops and cron jobs ship `.csv.gz`; it is stored as sent and read as the CSV inside."""
    content = gzip.compress((demo_dir / "shop_customers.csv").read_bytes())
    body = body_of(await upload(client, "shop_customers_2024-06.csv.gz", content))
    assert "errors" not in body, body
    result = body["data"]["uploadFile"]
    [file] = result["files"]
    assert (file["sourceType"], file["status"]) == ("shop_customers", "loaded"), file
    assert file["loaded"] > 0 and result["rowsRead"] == result["loaded"] + result["quarantined"]
    shop = db.query("MATCH (r:CustomerRecord {source_system: 'shop'}) RETURN count(r) AS n")
    assert shop[0]["n"] == file["loaded"]
    stored = ingest_dir / "uploads" / "shop_customers_2024-06.csv.gz"
    assert stored.read_bytes() == content
    stored.unlink()  # the other tests count files


async def test_an_uploaded_erasure_log_is_honoured_after_the_load(
    client: httpx.AsyncClient, db: Database, ingest_dir: Path
) -> None:
    """erasure_requests.csv flags the records; the mutation erases them before it answers."""
    contact = db.query(
        "MATCH (r:CustomerRecord {source_system: 'crm'}) WHERE r.full_name IS NOT NULL "
        "RETURN r.source_id AS id ORDER BY id LIMIT 1"
    )[0]["id"]
    log = f"source_type,source_id,requested_at,reference\ncrm_contacts,{contact},2030-01-01,T-1\n"
    body = body_of(await upload(client, "erasure_requests.csv", log.encode(), query=ERASURES))
    assert "errors" not in body, body
    result = body["data"]["uploadFile"]
    assert (result["loaded"], result["erasuresHonoured"], result["erasuresWaiting"]) == (1, 1, 0)
    erased = db.query(
        "MATCH (r:CustomerRecord {record_id: $id}) RETURN r.erased_at IS NOT NULL AS erased, "
        "r.full_name AS name", {"id": f"crm:{contact}"}
    )  # fmt: skip
    assert erased == [{"erased": True, "name": None}]
    (ingest_dir / "uploads" / "erasure_requests.csv").unlink()  # the other tests count files


async def test_an_ingest_running_elsewhere_is_a_conflict_that_loads_nothing(
    client: httpx.AsyncClient, db: Database, demo_dir: Path, ingest_dir: Path
) -> None:
    """The scheduler or a shell is loading: the upload is refused with who holds the lock,
    as CONFLICT / INGEST_RUNNING (not INTERNAL), and loads the file only when sent again."""
    content = (demo_dir / "campaigns.csv").read_bytes()
    before = db.query("MATCH (c:Campaign) RETURN count(c) AS n")[0]["n"]
    earlier = ingest_dir / "uploads" / "campaigns.csv"  # an earlier upload of that name
    earlier.parent.mkdir(exist_ok=True)
    earlier.write_bytes(b"campaign_id,name\n")
    locks.acquire(db, INGEST_LOCK, "ingest-in-a-shell", minutes=5)
    try:
        body = body_of(await upload(client, "campaigns.csv", content))
    finally:
        locks.release(db, INGEST_LOCK, "ingest-in-a-shell")
    assert codes(body) == ["CONFLICT"], body
    assert body["errors"][0]["extensions"]["reason"] == "INGEST_RUNNING"
    assert "ingest-in-a-shell" in body["errors"][0]["message"]
    assert db.query("MATCH (c:Campaign) RETURN count(c) AS n")[0]["n"] == before
    assert earlier.read_bytes() == b"campaign_id,name\n"  # the refused upload replaced nothing
    assert not [f for f in files_under(ingest_dir) if f.endswith(".part")]  # nor a part file
    again = body_of(await upload(client, "campaigns.csv", content))
    assert [f["status"] for f in again["data"]["uploadFile"]["files"]] == ["loaded"], again
    (ingest_dir / "uploads" / "campaigns.csv").unlink()  # the other tests count files


async def test_an_ingest_that_lost_its_lock_says_so_not_that_another_runs(
    client: httpx.AsyncClient, demo_dir: Path, ingest_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def lost(self: IngestRun, *args: object) -> object:
        assert self._lease is not None
        self._lease.lost.set()  # what a renewal does on finding another holder
        self._lease.check()
        raise AssertionError("unreachable")

    monkeypatch.setattr(IngestRun, "_run", lost)
    body = body_of(await upload(client, "campaigns.csv", (demo_dir / "campaigns.csv").read_bytes()))
    assert codes(body) == ["CONFLICT"], body
    assert body["errors"][0]["extensions"]["reason"] == "INGEST_LOCK_LOST"
    assert "lost its lock" in body["errors"][0]["message"]
    (ingest_dir / "uploads" / "campaigns.csv").unlink()  # the other tests count files


async def test_a_rejected_upload_does_not_replace_the_earlier_file(
    client: httpx.AsyncClient, demo_dir: Path, ingest_dir: Path
) -> None:
    """An upload whose header breaks the contract is rejected with its reason, and the file
    of that name that loaded before stays in uploads/ (it was overwritten by the broken one)."""
    good = (demo_dir / "campaigns.csv").read_bytes()
    first = body_of(await upload(client, "campaigns.csv", good))
    [status] = [f["status"] for f in first["data"]["uploadFile"]["files"]]
    assert status in ("loaded", "skipped"), first  # skipped: loaded by an earlier test
    broken = body_of(await upload(client, "campaigns.csv", b"nothing,we,expect\n1,2,3\n"))
    assert [f["status"] for f in broken["data"]["uploadFile"]["files"]] == ["rejected"], broken
    stored = ingest_dir / "uploads" / "campaigns.csv"
    assert stored.read_bytes() == good
    assert not [f for f in files_under(ingest_dir) if "campaigns.csv." in f]  # no leftovers
    stored.unlink()  # the other tests count files
    lone = body_of(await upload(client, "campaigns.csv", b"nothing,we,expect\n1,2,3\n"))
    assert [f["status"] for f in lone["data"]["uploadFile"]["files"]] == ["rejected"], lone
    assert not stored.exists()  # a rejected file is not kept when nothing loaded before it


async def test_only_admins_upload(client: httpx.AsyncClient, ingest_dir: Path) -> None:
    """Refused with 403 before the body is parsed (Starlette would spool the file first)."""
    before = files_under(ingest_dir)
    for role in ("viewer", "marketer", "analyst"):
        response = await upload(client, "campaigns.csv", b"x", role)
        assert response.status_code == 403 and "admin" in response.text, response.text
    assert files_under(ingest_dir) == before


async def test_a_chunked_upload_is_refused_before_it_is_read(
    client: httpx.AsyncClient, ingest_dir: Path
) -> None:
    """No Content-Length (chunked transfer): the size cannot be checked up front, so 411."""
    before = files_under(ingest_dir)
    operations = {"query": UPLOAD, "variables": {"file": None, "force": False}}
    boundary = "mgboundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n'
        f"{json.dumps(operations)}\r\n",
        f'--{boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n'
        f"{json.dumps({'0': ['variables.file']})}\r\n",
        f'--{boundary}\r\nContent-Disposition: form-data; name="0"; filename="campaigns.csv"'
        f"\r\nContent-Type: text/csv\r\n\r\ncampaign_id\n\r\n--{boundary}--\r\n",
    ]

    async def chunks() -> AsyncIterator[bytes]:
        for part in parts:
            yield part.encode()

    response = await client.post(
        "/graphql", content=chunks(),
        headers={"X-API-Key": KEYS["admin"],
                 "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )  # fmt: skip
    assert response.status_code == 411 and "Content-Length" in response.text, response.text
    assert files_under(ingest_dir) == before


async def test_a_browsers_copy_name_loads_and_a_workbook_says_what_to_do(
    client: httpx.AsyncClient, ingest_dir: Path, demo_dir: Path
) -> None:
    """`crm_contacts (1).csv` (a second download) was refused though `ingest` and the inbox
    take it; a workbook got the generic "an export file name such as …"."""
    content = (demo_dir / "crm_contacts.csv").read_bytes()
    body = body_of(await upload(client, "crm_contacts (1).csv", content))
    assert "errors" not in body, body
    [file] = body["data"]["uploadFile"]["files"]
    assert file["sourceType"] == "crm_contacts" and file["status"] in ("loaded", "skipped")
    (ingest_dir / "uploads" / "crm_contacts (1).csv").unlink()  # the other tests count files
    for name, advice in (
        ("crm_contacts.xlsx", "CSV UTF-8"),
        ("exports.zip", "unpack it"),
        ("exports.tar.gz", "unpack it"),
    ):
        refused = body_of(await upload(client, name, b"PK\x03\x04"))
        assert codes(refused) == ["BAD_USER_INPUT"], refused
        assert advice in refused["errors"][0]["extensions"]["fields"][0]["message"]


@pytest.mark.parametrize(
    "name",
    ["../evil.csv", "notes.txt", "../../notes.txt", "manifest.json", "ground_truth.csv",
     "crm_contacts.exe", "..", ".crm_contacts.csv", "crm contacts.csv"],
)  # fmt: skip
async def test_bad_names_are_field_errors(
    client: httpx.AsyncClient, ingest_dir: Path, name: str
) -> None:
    before, outside = files_under(ingest_dir), files_under(ingest_dir.parent)
    body = body_of(await upload(client, name, b"campaign_id\n"))
    assert codes(body) == ["BAD_USER_INPUT"], body
    assert [f["field"] for f in body["errors"][0]["extensions"]["fields"]] == ["file"]
    assert files_under(ingest_dir) == before
    assert files_under(ingest_dir.parent) == outside


async def test_path_components_are_dropped(
    client: httpx.AsyncClient, ingest_dir: Path, demo_dir: Path
) -> None:
    content = (demo_dir / "crm_contacts.csv").read_bytes()
    for name in ("../../crm_contacts.csv", "/etc/crm_contacts.csv", "..\\crm_contacts.csv"):
        body = body_of(await upload(client, name, content))
        assert "errors" not in body, body
        assert [f["status"] for f in body["data"]["uploadFile"]["files"]] == ["skipped"]
    assert files_under(ingest_dir) == {"uploads/crm_contacts.csv"}


async def test_multipart_needs_a_non_simple_header(client: httpx.AsyncClient) -> None:
    # what a cross-site HTML form could send: no API key, no preflight header
    response = await upload(client, "campaigns.csv", b"x", role=None)
    assert response.status_code == 400 and "Apollo-Require-Preflight" in response.text
    preflighted = await upload(
        client, "campaigns.csv", b"x", role=None, headers={"Apollo-Require-Preflight": "1"}
    )
    assert preflighted.status_code == 401 and "API key" in preflighted.text


async def test_size_limit_leaves_no_file(
    db: Database, settings: Settings, tmp_path: Path, demo_dir: Path
) -> None:
    content = (demo_dir / "crm_contacts.csv").read_bytes()
    assert len(content) > 10_000
    before = customer_records(db)
    tiny = api_settings(settings, ingest_dir=tmp_path, api_max_upload_mb=0.01)  # ~10 kB
    async with api_client(tiny) as small:
        body = body_of(await upload(small, "crm_contacts.csv", content))
        assert codes(body) == ["BAD_USER_INPUT"], body
        [problem] = body["errors"][0]["extensions"]["fields"]
        assert problem["field"] == "file" and "0.01 MB upload limit" in problem["message"]
        # a declared body far beyond the limit is refused before it is read
        huge = await upload(small, "crm_contacts.csv", b"x" * (1_100_000 + 10_486))
        assert huge.status_code == 413 and "limit" in huge.text
    assert files_under(tmp_path) == set()
    assert customer_records(db) == before


async def test_disabled_without_ingest_dir(settings: Settings) -> None:
    async with api_client(api_settings(settings, ingest_dir=None)) as disabled:
        body = body_of(await upload(disabled, "crm_contacts.csv", b"x"))
    assert codes(body) == ["NOT_FOUND"] and "uploadFile is disabled" in str(body)
