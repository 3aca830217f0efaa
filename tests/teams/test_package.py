"""The Teams app package: manifest valid against the v1.29 schema, icons the right size, zip built by the CLI."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import jsonschema
import pytest
from PIL import Image

from bot.cli import main
from bot.teams.package import PLACEHOLDER_APP_ID, PLACEHOLDER_HOST, build_manifest
from tests.teams.conftest import MANIFEST_SCHEMA

ROOT = Path(__file__).resolve().parents[2]
APP_ID = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"


def validate_manifest(manifest: dict) -> None:
    schema = json.loads(MANIFEST_SCHEMA.read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = list(validator.iter_errors(manifest))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    # draft-04 validators skip `const`; check it ourselves
    assert manifest["manifestVersion"] == schema["properties"]["manifestVersion"]["const"] == "1.29"


def check_icons(color: Image.Image, outline: Image.Image) -> None:
    assert color.size == (192, 192)
    assert outline.size == (32, 32)
    assert outline.mode == "RGBA"
    pixels = [outline.getpixel((x, y)) for x in range(32) for y in range(32)]
    assert any(a == 0 for *_, a in pixels), "outline needs a transparent background"
    assert all((r, g, b) == (255, 255, 255) for r, g, b, a in pixels if a > 0), "outline must be white"


def test_checked_in_manifest_is_valid_and_matches_the_generator():
    manifest = json.loads((ROOT / "manifest/teams/manifest.json").read_text())
    validate_manifest(manifest)
    assert manifest == build_manifest(PLACEHOLDER_APP_ID, PLACEHOLDER_HOST)
    [bot] = manifest["bots"]
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    assert bot["supportsFiles"] is True  # a plan file sent in personal chat reaches the bot
    assert {c["title"] for lst in bot["commandLists"] for c in lst["commands"]} >= {"status", "support", "resolve"}
    assert manifest["validDomains"] == [PLACEHOLDER_HOST]


def test_checked_in_icons_have_the_sizes_teams_wants():
    for folder in (ROOT / "manifest/teams", ROOT / "bot/teams/assets"):
        check_icons(Image.open(folder / "color.png"), Image.open(folder / "outline.png"))
    assert (ROOT / "manifest/teams/color.png").read_bytes() == (ROOT / "bot/teams/assets/color.png").read_bytes()


def test_ictbot_teams_package_builds_a_valid_upload_zip(tmp_path, capsys):
    out = tmp_path / "app.zip"
    assert main(["teams", "package", "--app-id", APP_ID, "--host", "ictbot.midkent.gov.uk", "-o", str(out)]) == 0
    with zipfile.ZipFile(out) as z:
        assert sorted(z.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(z.read("manifest.json"))
        check_icons(Image.open(io.BytesIO(z.read("color.png"))), Image.open(io.BytesIO(z.read("outline.png"))))
    validate_manifest(manifest)
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID
    assert manifest["validDomains"] == ["ictbot.midkent.gov.uk"]
    assert manifest["developer"]["websiteUrl"] == "https://ictbot.midkent.gov.uk"


@pytest.mark.parametrize(("app_id", "host"), [("not-a-guid", "ictbot.midkent.gov.uk"), (APP_ID, "not a host")])
def test_bad_package_arguments_are_refused_clearly(tmp_path, capsys, app_id, host):
    out = tmp_path / "app.zip"
    assert main(["teams", "package", "--app-id", app_id, "--host", host, "-o", str(out)]) == 2
    assert "ictbot:" in capsys.readouterr().err
    assert not out.exists()


def test_ictbot_teams_set_triage_stores_the_reference(tmp_path, monkeypatch, capsys):
    import asyncio

    from bot.runtime import open_store
    from bot.settings import Settings

    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ICTBOT_SEED_SAMPLE", "false")
    assert main(["teams", "set-triage", "19:desk@thread.tacv2", "--tenant-id", "t-1"]) == 0

    async def stored():
        engine, store = await open_store(Settings(_env_file=None, database_url=url, seed_sample=False))
        try:
            return await store.get_conversation_reference("teams", "triage")
        finally:
            await engine.dispose()

    reference = asyncio.run(stored())
    assert reference["conversation"]["id"] == "19:desk@thread.tacv2"
    assert reference["conversation"]["tenantId"] == "t-1"
    assert reference["serviceUrl"] == "https://smba.trafficmanager.net/teams/"
