"""CRUD for the federation's reference data, each kind scoped to the caller's tenant.

No ``from __future__ import annotations`` here: the generated routes need their body
models evaluated when they are defined.
"""


from typing import Any

from fastapi import APIRouter, Response, status
from pydantic import BaseModel

from renfort.api.deps import PrincipalDep, RuntimeDep
from renfort.api.schemas import (
    AgentIn,
    ClientIn,
    ContractIn,
    OutsourcerIn,
    QueueIn,
    RoleIn,
    SiteIn,
    UserIn,
    WaiverIn,
)
from renfort.services import access
from renfort.services.catalog import KINDS, Catalog, Kind
from renfort.services.principals import Role

router = APIRouter(tags=["federation"])

_BODIES: dict[str, type[BaseModel]] = {
    "outsourcers": OutsourcerIn, "clients": ClientIn, "queues": QueueIn,
    "contracts": ContractIn, "sites": SiteIn, "agents": AgentIn, "waivers": WaiverIn,
}


def _crud(kind: Kind, body_model: type[BaseModel]) -> None:
    singular = kind.name[:-1]

    def list_items(rt: RuntimeDep, who: PrincipalDep) -> list[dict[str, Any]]:
        return Catalog(rt.engine).list(kind, who)

    def get_item(ref: str, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
        return Catalog(rt.engine).get(kind, who, ref)

    async def create_item(body: body_model, rt: RuntimeDep,  # type: ignore[valid-type]
                          who: PrincipalDep, response: Response) -> dict[str, Any]:
        data = body.model_dump()  # type: ignore[attr-defined]
        saved = await rt.routing_config.save(kind, who, data)
        response.headers["Location"] = f"/api/v1/{kind.name}/{saved['id']}"
        return saved

    async def replace_item(ref: str, body: body_model, rt: RuntimeDep,  # type: ignore[valid-type]
                           who: PrincipalDep) -> dict[str, Any]:
        data = body.model_dump()  # type: ignore[attr-defined]
        return await rt.routing_config.save(kind, who, data, ref)

    async def delete_item(ref: str, rt: RuntimeDep, who: PrincipalDep) -> Response:
        await rt.routing_config.delete(kind, who, ref)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    path = f"/{kind.name}"
    tags: list[str | Any] = [kind.name]
    router.add_api_route(path, list_items, methods=["GET"], tags=tags,
                         summary=f"List {kind.name} visible to you")
    router.add_api_route(path + "/{ref}", get_item, methods=["GET"], tags=tags,
                         summary=f"One {singular} by id or slug")
    router.add_api_route(path, create_item, methods=["POST"], status_code=201, tags=tags,
                         summary=f"Create a {singular}")
    router.add_api_route(path + "/{ref}", replace_item, methods=["PUT"], tags=tags,
                         summary=f"Replace a {singular}")
    router.add_api_route(path + "/{ref}", delete_item, methods=["DELETE"], status_code=204,
                         tags=tags, summary=f"Delete a {singular}")


for _name, _model in _BODIES.items():
    _crud(KINDS[_name], _model)


@router.post("/waivers/{ref}/revoke", tags=["waivers"])
async def revoke_waiver(ref: str, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """Withdraw a waiver now: home agents get no new contact from its queues."""
    return await rt.routing_config.revoke_waiver(who, ref)


@router.get("/users", tags=["users"])
def list_users(rt: RuntimeDep, who: PrincipalDep) -> list[dict[str, Any]]:
    return Catalog(rt.engine).list(KINDS["users"], who)


@router.get("/users/{ref}", tags=["users"])
def get_user(ref: str, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    return Catalog(rt.engine).get(KINDS["users"], who, ref)


@router.post("/users", status_code=201, tags=["users"])
def create_user(body: UserIn, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """Admins create any user; outsourcer managers create their supervisors and agents."""
    access.require(who, Role.OUTSOURCER_MANAGER)
    catalog = Catalog(rt.engine)
    outsourcer = body.outsourcer or (who.outsourcer_id if body.role is Role.SUPERVISOR
                                     else None)
    catalog.check_user_write(who, body.role, outsourcer, body.agent)
    created = rt.auth.create_user(body.username, body.password, body.role,
                                  outsourcer=outsourcer, client=body.client, agent=body.agent)
    return catalog.get(KINDS["users"], who, created.user_id)


@router.delete("/users/{ref}", status_code=204, tags=["users"])
def delete_user(ref: str, rt: RuntimeDep, who: PrincipalDep) -> Response:
    """The user's tokens and open event streams end at once."""
    rt.auth.revoke_user(Catalog(rt.engine).delete(KINDS["users"], who, ref))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/users/{ref}/role", tags=["users"])
def change_role(ref: str, body: RoleIn, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """Another role (and tenant) for a user: admins for anyone, outsourcer managers between
    supervisor and agent in their outsourcer. The user's sessions and streams end at once."""
    access.require(who, Role.OUTSOURCER_MANAGER)
    catalog = Catalog(rt.engine)
    outsourcer = body.outsourcer or (who.outsourcer_id if body.role is Role.SUPERVISOR
                                     else None)
    user_id = catalog.check_role_change(who, ref, body.role, outsourcer, body.agent)
    rt.auth.change_role(user_id, body.role, outsourcer=outsourcer, client=body.client,
                        agent=body.agent)
    return catalog.get(KINDS["users"], who, user_id)
