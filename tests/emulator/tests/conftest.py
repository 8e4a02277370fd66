"""Fixtures of the emulator's own tests (the emulator fixtures themselves are in tests/conftest.py)."""

import pytest

from emulator.tests.helpers import Api


@pytest.fixture(name="api")
def fixture_api(emulator):
    """An API client on a freshly reset emulator; its connections are closed afterwards."""
    client = Api(emulator.base_url)
    yield client
    client.close()


@pytest.fixture(name="weather_assistant")
def fixture_weather_assistant(api):
    """An assistant with one function tool, ``get_weather(city: string, days: integer)``."""
    function = {
        "name": "get_weather",
        "description": "Weather for a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}, "unit": {"type": "string"}},
                       "required": ["city", "days"]},
    }
    return api.assistant(name="weather", instructions="Be brief.", tools=[{"type": "function", "function": function}])
