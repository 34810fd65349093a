"""Behind a proxy: the pre-auth cap counts the client's address from X-Forwarded-For when
the proxy is trusted (QAI_MEMORY_FORWARDED_ALLOW_IPS / --forwarded-allow-ips), and the
proxy's own address when it is not (the default: trust none).

The "proxy" is this test: its sockets come from 127.0.0.1 carrying the header a proxy
would add. uvicorn's ProxyHeadersMiddleware rewrites the WebSocket's client before the
app sees it; tests/api/test_preauth_memory.py does the same through `qai-graph serve`.
"""

from __future__ import annotations

import logging
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from qai_graph.cli.main import main
from tests.support.api_harness import TRANSPORT_WS, ConfigFactory, serve

VIEWER, OTHER = "203.0.113.7", "198.51.100.9"


def behind_proxy(url: str, client: str) -> AbstractAsyncContextManager[Any]:
    """A WebSocket that a proxy opened on behalf of ``client``."""
    headers = {"X-Forwarded-For": client}
    return connect(url, subprotocols=[TRANSPORT_WS], additional_headers=headers)  # type: ignore[list-item]


async def test_a_trusted_proxys_clients_are_capped_separately(
    make_config: ConfigFactory, caplog: pytest.LogCaptureFixture
) -> None:
    config = make_config(ws_max_unauthenticated_per_address=1, forwarded_allow_ips="127.0.0.1")
    async with serve(config) as api, behind_proxy(api.ws_url, VIEWER):
        async with behind_proxy(api.ws_url, OTHER):  # a slot of its own
            pass
        with (
            caplog.at_level(logging.DEBUG, logger="qai_graph.api"),
            pytest.raises(InvalidStatus),  # the same client again: over its cap
        ):
            async with behind_proxy(api.ws_url, VIEWER):
                pass
    assert f"refused a WebSocket from {VIEWER}" in caplog.text


async def test_an_untrusted_proxys_clients_share_its_address(
    make_config: ConfigFactory, caplog: pytest.LogCaptureFixture
) -> None:
    config = make_config(ws_max_unauthenticated_per_address=1)  # trust none: the default
    async with serve(config) as api, behind_proxy(api.ws_url, VIEWER):
        with (
            caplog.at_level(logging.DEBUG, logger="qai_graph.api"),
            pytest.raises(InvalidStatus),  # another client, but the same peer
        ):
            async with behind_proxy(api.ws_url, OTHER):
                pass
    assert "refused a WebSocket from 127.0.0.1" in caplog.text


@pytest.mark.parametrize(
    "value", ["10.0.0.1/8", "nginx", "*,10.0.0.1"], ids=["host bits", "name", "star and more"]
)
def test_a_proxy_list_uvicorn_would_misread_is_refused(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--forwarded-allow-ips", value])
    assert exited.value.code == 2
    assert "--forwarded-allow-ips" in capsys.readouterr().err
