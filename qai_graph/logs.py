"""One log format for the whole process, ours and uvicorn's: text, or JSON lines.

``configure_logging`` installs one handler on the root logger; uvicorn is started with
``log_config=None`` (see :func:`uvicorn_logging`) so its loggers propagate to it rather
than printing in their own format. Each record gets the request id and the GraphQL
operation of the request it was logged in (context variables set by the API's
middleware and operation extension), so one request's lines can be found together.

JSON (``QAI_MEMORY_LOG_FORMAT=json``): one object per line with ``time`` (UTC ISO 8601),
``level``, ``logger``, ``message``, ``request_id``, ``operation``, and ``duration_ms``
when the line closes an operation; ``exception`` holds a traceback as one string.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

request_id_var: ContextVar[str | None] = ContextVar("qai_request_id", default=None)
operation_var: ContextVar[str | None] = ContextVar("qai_operation", default=None)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(operation)s]: %(message)s"
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")
# botocore says where it found credentials, at info, for every client it makes: detail
# for --log-level debug, noise beside a command's one-line failure otherwise.
DEBUG_ONLY_LOGGERS = ("botocore.credentials", "aiobotocore.credentials")

# Attributes every LogRecord has; anything else was passed in ``extra`` and is kept.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "request_id",
    "operation",
    "color_message",  # uvicorn's coloured duplicate of the message
}


class ContextFilter(logging.Filter):
    """Stamps each record with the current request id and operation ("-" outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keeps the record."""
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get() or "-"
        if getattr(record, "operation", None) is None:
            record.operation = operation_var.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as JSON."""
        document: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": _dash_to_none(getattr(record, "request_id", None)),
            "operation": _dash_to_none(getattr(record, "operation", None)),
        }
        if record.name == "uvicorn.access" and isinstance(record.args, tuple):
            document.update(_access_fields(record.args))
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                document[key] = value
        if record.exc_info:
            document["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            document["exception"] = record.exc_text
        if record.stack_info:
            document["stack"] = record.stack_info
        return json.dumps(document, default=str, ensure_ascii=False)


def _dash_to_none(value: object) -> object:
    return None if value in (None, "-") else value


def _access_fields(args: tuple[Any, ...]) -> dict[str, Any]:
    # uvicorn's access record: (client address, method, path, HTTP version, status).
    if len(args) != 5:
        return {}
    client, method, path, _, status = args
    return {"client": client, "method": method, "path": path, "status": status}


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (it may be swapped after set-up)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> Any:
        """The current standard error."""
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass  # always the current sys.stderr


def configure_logging(level: str = "info", fmt: str = "text") -> None:
    """Route every logger (uvicorn's included) through one stderr handler in ``fmt``."""
    handler = StderrHandler()
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        if isinstance(old, StderrHandler):  # ours, from an earlier call; others are kept
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in UVICORN_LOGGERS:
        # uvicorn's own config would give these handlers and formats of their own.
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)
    for name in DEBUG_ONLY_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET if level == "debug" else logging.WARNING)
    logging.captureWarnings(True)  # warnings become log records, in the same format


def uvicorn_logging(level: str) -> dict[str, Any]:
    """``uvicorn.run`` options that keep the logging :func:`configure_logging` set up."""
    return {"log_config": None, "log_level": level}
