"""Moto's dispatch remembers what never changes (patch 7).

Which backend serves a host (moto lists its package directory, ~60 ``stat`` calls, on
every request to find out) and which actions a response class has
(``inspect.getmembers`` per request).
"""

from __future__ import annotations

import functools
from typing import Any

from moto.core.utils import method_names_from_class as _method_names_from_class
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

_backend_for_host = DomainDispatcherApplication.get_backend_for_host
_BACKENDS: dict[str | None, Any] = {}
_MAX_HOSTS = 1000  # hosts come from clients' signatures (regions): bounded all the same


def backend_for_host(self: Any, host: str | None) -> Any:
    """Moto's backend for a host, looked up once per host."""
    try:
        return _BACKENDS[host]
    except KeyError:
        found = _backend_for_host(self, host)
        if len(_BACKENDS) < _MAX_HOSTS:
            _BACKENDS[host] = found
        return found


@functools.cache
def _action_names(clazz: type) -> frozenset[str]:
    return frozenset(_method_names_from_class(clazz))


def method_names_from_class(clazz: object) -> frozenset[str]:
    """The action methods of a response class (moto only tests membership)."""
    return _action_names(clazz if isinstance(clazz, type) else type(clazz))
