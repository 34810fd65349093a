"""DynamoDB's wire API called in-process, without a socket (restore and journal replay).

Going through the API means a restored table or a replayed write passes the same
validation and code as a client's request did, and the emulator does not depend on
moto's constructors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from werkzeug.test import Client

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Any]
_REGION = re.compile(r"Credential=[^/]*/[^/]*/([^/]+)/")
DEFAULT_REGION = "us-east-1"


class WireError(Exception):
    """An in-process request answered with an error."""


def region_of(authorization: str) -> str:
    """The region of a SigV4 ``Authorization`` header (moto routes by it)."""
    match = _REGION.search(authorization)
    return match.group(1) if match else DEFAULT_REGION


class WireCaller:
    """Sends DynamoDB requests to a WSGI app in this process."""

    def __init__(self, app: WsgiApp) -> None:
        self._client = Client(app)

    def raw(self, region: str, operation: str, body: str) -> tuple[int, str]:
        """(status, response text) of one request."""
        response = self._client.post(
            "/",
            data=body,
            headers={
                "Host": "localhost",
                # Moto routes a request to a service and region by the SigV4 scope.
                "Authorization": (
                    f"AWS4-HMAC-SHA256 Credential=qai/20200101/{region}/dynamodb/aws4_request, "
                    "SignedHeaders=host, Signature=0"
                ),
                "Content-Type": "application/x-amz-json-1.0",
                "X-Amz-Target": f"DynamoDB_20120810.{operation}",
            },
        )
        return response.status_code, response.get_data(as_text=True)

    def call(self, region: str, operation: str, body: dict[str, Any]) -> Any:
        """The decoded answer; :class:`WireError` on any error status."""
        status, text = self.raw(region, operation, json.dumps(body))
        if status != 200:
            raise WireError(f"{operation} failed: {text[:500]}")
        return json.loads(text)
