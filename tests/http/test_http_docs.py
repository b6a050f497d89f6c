"""`/docs` renders with no network: Swagger UI's assets come from the installed package."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_docs_page_loads_nothing_from_elsewhere(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    html = page.text
    assert not re.search(r"(https?:)?//", html), "the page refers to another host"
    assert "cdn" not in html.lower()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert {"/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"} <= set(assets)
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200 and response.content, asset
    script = client.get("/docs/assets/swagger-ui-bundle.js")
    assert "javascript" in script.headers["content-type"] and b"SwaggerUIBundle" in script.content
    assert "url: '/openapi.json'" in html and client.get("/openapi.json").status_code == 200


def test_redoc_is_off_rather_than_online(client: TestClient) -> None:
    assert client.get("/redoc").status_code == 404
