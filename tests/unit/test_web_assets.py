"""The runner serves the built agent workspace beside the API, and nothing outside web/dist."""

import pytest

from local import web_assets


@pytest.fixture
def built(tmp_path, monkeypatch):
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!DOCTYPE html><title>Casetrail</title>")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log('app')")
    (tmp_path / "secret.txt").write_text("not an asset")
    monkeypatch.setattr(web_assets, "WEB_DIST", tmp_path)
    return tmp_path


def test_the_app_is_served_at_the_root_and_revalidated(built):
    response = web_assets.respond("/")

    assert response.status == 200 and b"<title>Casetrail</title>" in response.body
    assert ("Cache-Control", "no-cache") in response.headers


def test_a_hashed_asset_is_served_with_its_type_and_cached_for_good(built):
    response = web_assets.respond("/assets/index-abc123.js")

    assert response.status == 200 and response.body == b"console.log('app')"
    assert dict(response.headers)["Content-Type"] in ("text/javascript", "application/javascript")
    assert dict(response.headers)["Cache-Control"] == web_assets.IMMUTABLE


@pytest.mark.parametrize("path", ["/assets/../secret.txt", "/assets/%2e%2e/secret.txt", "/assets/missing.js"])
def test_nothing_but_a_built_asset_is_served(built, path):
    assert web_assets.respond(path).status == 404


def test_without_a_build_the_root_says_how_to_get_one(tmp_path, monkeypatch):
    monkeypatch.setattr(web_assets, "WEB_DIST", tmp_path / "absent")

    response = web_assets.respond("/")

    assert response.status == 200 and b"Node.js 20" in response.body


def test_only_the_root_and_assets_are_taken_from_the_api(built):
    assert web_assets.serves("/") and web_assets.serves("/assets/x.js")
    assert not web_assets.serves("/cases") and not web_assets.serves("/config.json")
