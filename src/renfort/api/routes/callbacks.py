"""Callbacks: listed and read within the caller's tenant (numbers masked but for the agent
calling), and asked by a citizen of the public chat."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, status

from renfort.api.deps import PrincipalDep, PublicChatQuota, RuntimeDep
from renfort.api.schemas import CallbackIn
from renfort.services.callbacks import STATES, CallbackService

router = APIRouter(tags=["callbacks"])


@router.get("/callbacks")
def list_callbacks(rt: RuntimeDep, who: PrincipalDep,
                   state: str | None = Query(default=None, pattern="^(" + "|".join(STATES)
                                             + ")$")) -> list[dict[str, Any]]:
    """Callbacks of the queues you see (an agent: the ones they were given), newest first."""
    return CallbackService(rt.engine, rt.desk).list(who, state)


@router.get("/callbacks/{callback_id}")
def get_callback(callback_id: str, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    return CallbackService(rt.engine, rt.desk).get(who, callback_id)


@router.post("/self-service/conversations/{conversation_id}/callback",
             status_code=status.HTTP_201_CREATED, dependencies=[PublicChatQuota])
async def ask_callback(conversation_id: str, body: CallbackIn,
                       rt: RuntimeDep) -> dict[str, Any]:
    """PUBLIC. "Call me back": a number, and a window or as soon as possible (within the
    opening hours); the hotline's callback queue offers it to an agent when due."""
    return await CallbackService(rt.engine, rt.desk).ask_from_chat(
        conversation_id, body.number, body.window_start, body.window_end)
