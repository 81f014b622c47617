"""Whom a truce is offered to, when its sentence names nobody: the sides the article shows fighting.

A mediator's plan ("the envoy's plan calls for an immediate ceasefire", "a Cairo-brokered truce") is
made to the warring parties; a side's own unilateral truce is made to the side it fights. The article
says who fights whom in its attacks: their agents and targets. A truce whose author is one of those
sides takes the others; one whose author fights nobody here (a broker) takes them all. A truce two
parties agreed between them ("X and Y agreed to a truce") has no target, and a truce in an article
with no attack is left as it is. The mention records "target" among its ``inherited`` fields.
"""

from __future__ import annotations

from dataclasses import replace

from pipeline.nlp import references
from pipeline.nlp.opponents import side_of
from pipeline.nlp.patterns import actor_country
from pipeline.nlp.role_mention import Role
from pipeline.normalize.actors import normalise

MAX_SIDES = 2  # "the government and the rebels": a truce is between two sides


def _key(role: Role | None, ref) -> str | None:
    """The side a named party is on; None for a place, a thing hit, or a party the article does not name
    ('federal troops' and 'the government' may be one side: only names tell sides apart)."""
    if role is None or references.is_place(role):
        return None
    return side_of(ref.id if ref is not None and ref.id else role.id)


def _side_name(key: str, role: Role, published) -> str:
    """A side as the truce's target names it: by its own name ('Israel', not the 'Israeli tanks' that fired)."""
    ref = normalise(key, key, published=published)
    return ref.name if ref.id is not None else role.text


def fighting_sides(drafts: list, published) -> list[tuple[str, str]]:
    """(side, its name) of the article's attacks, the most often named first."""
    seen: dict[str, tuple[int, int, Role]] = {}
    for d in drafts:
        if d.event_type != "OFFENSIVE":
            continue
        for role, ref in ((d.agent, d.agent_ref), (d.target, d.target_ref)):
            if (key := _key(role, ref)) is not None:
                n, first, named = seen.get(key, (0, len(seen), role))
                seen[key] = (n + 1, first, named)
    ranked = sorted(seen.items(), key=lambda kv: (-kv[1][0], kv[1][1]))
    return [(key, _side_name(key, role, published)) for key, (_, _, role) in ranked]


def _joint(role: Role) -> bool:
    """'Israel and Hamas', 'the two sides': an agent that is already both parties."""
    words = role.text.lower().split()
    return "and" in words or (role.id is None and words[-1:] in (["sides"], ["parties"]))


def _own_sides(side: str, sides: list[str]) -> set[str]:
    """The author's side, and for a person or group of a fighting side's country ('Hamas spokesman Osama
    Hamdan', whose movement the actor list does not record) the sides of that country: they speak for
    one of them, not as a broker. A fighting side or a state is only its own side (the RSF is Sudanese
    and fights Sudan's army)."""
    country = actor_country(side)
    if country is None or country == side or side in sides:
        return {side}
    return {side} | {k for k in sides if actor_country(k) == country}


def add_truce_addressees(drafts: list, published) -> list:
    """Ceasefire drafts with a single author and no target take the sides the article shows fighting."""
    sides = fighting_sides(drafts, published)
    if not sides:
        return drafts
    out = []
    for d in drafts:
        if d.event_type != "CEASEFIRE_PROPOSAL" or d.agent is None or d.target is not None or _joint(d.agent):
            out.append(d)
            continue
        mine = _key(d.agent, d.agent_ref)
        if mine is None:
            out.append(d)  # 'the rebels' may be one of the sides or not: say nothing
            continue
        keys = [key for key, _ in sides]
        ours = _own_sides(mine, keys)
        fights = bool(ours & set(keys))
        others = [(name, key) for key, name in sides if key not in ours][:1 if fights else MAX_SIDES]
        if not others:
            out.append(d)
            continue
        name = " and ".join(n for n, _ in others)
        actor_id = others[0][1] if len(others) == 1 else None
        target = Role(name, actor_id, d.agent.start, d.agent.end, "NP")  # written nowhere as such: no span of its own
        out.append(replace(d, target=target, target_ref=normalise(name, actor_id, published=published),
                           inherited=tuple(d.inherited) + ("target",)))
    return out
