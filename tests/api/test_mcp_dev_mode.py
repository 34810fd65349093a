"""/mcp in development mode (no API keys): open to loopback callers, closed to DNS
rebinding (a web page that points its own host name at 127.0.0.1)."""

from __future__ import annotations

from tests.support.api_harness import RunningApp

INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "dev", "version": "0"},
    },
}
ACCEPT = {"Accept": "application/json, text/event-stream"}


async def test_dev_mode_serves_loopback_and_refuses_rebound_hosts_and_origins(
    api: RunningApp,
) -> None:
    http = api.client.http
    served = await http.post("/mcp", json=INIT, headers=ACCEPT)
    assert served.status_code == 200
    assert served.json()["result"]["serverInfo"]["name"] == "qai-memory"
    rebound = await http.post("/mcp", json=INIT, headers={**ACCEPT, "Host": "evil.example"})
    assert rebound.status_code == 421
    page = await http.post("/mcp", json=INIT, headers={**ACCEPT, "Origin": "http://evil.example"})
    assert page.status_code == 403
    # /graphql beside it is unchanged.
    assert (await api.client.data("{ evolution { stage } }")) == {"evolution": {"stage": 1}}
