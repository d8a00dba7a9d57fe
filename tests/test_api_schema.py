"""API checks that need no running app: the SDL snapshot and startup configuration rules."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from api.graphql.app import create_app
from api.graphql.schema import SDL_PATH, schema_sdl
from graph.errors import ConfigurationError
from graph.settings import Settings
from tests.api_helpers import api_settings


def test_sdl_file_is_current() -> None:
    assert SDL_PATH.read_text(encoding="utf-8") == schema_sdl(), (
        "The GraphQL schema changed: run `python -m api.graphql.schema` and commit the SDL."
    )


def test_keys_required_outside_development() -> None:
    settings = Settings()
    for environment in ("test", "production"):
        with pytest.raises(ConfigurationError, match="MARKETGRAPH_API_KEYS"):
            create_app(settings.model_copy(update={"environment": environment, "api_keys": None}))
    create_app(settings.model_copy(update={"environment": "development", "api_keys": None}))
    for bad in ("k" * 20 + ":root", "short:admin", "no-role-separator"):
        with pytest.raises(ConfigurationError):
            create_app(api_settings(settings).model_copy(update={"api_keys": SecretStr(bad)}))
