"""The API's roles, in increasing power: each can do everything the ones before it can.

A module of its own so the command line can offer them (``qai-graph api-key --role``)
without loading the configuration's pydantic models; ``config`` and ``security`` use
them from here."""

from __future__ import annotations

API_ROLES = ("reader", "writer", "moderator", "admin")
