"""What becomes of other apps' records when a union closes (merged or dissolved).

Unions are a low layer: members, hardship files and campaigns are built on them, so
unions/services.py cannot know them. Each app registers here instead, from its
AppConfig.ready(), what it must check before a union may close and what it hands over
when it does; the union services call every registered app inside the closing
transaction, in the order of `order` (lower first), so an error in any rolls it all back.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Handler:
    app: str
    # (actor, closing union, successor) inside the transaction; the successor is None only
    # for a dissolve without one, after `holds` found nothing.
    hand_over: Callable
    # (closing union) -> a message when the union still holds records that need a
    # successor to take them (a dissolve without one is then refused), else None.
    holds: Callable | None = None
    # (closing union, successor) -> messages why the successor cannot take the records.
    conflicts: Callable | None = None
    order: int = 100


_handlers: dict[str, Handler] = {}


def register(app, hand_over, holds=None, conflicts=None, order=100):
    """Register (or replace: a reloaded app registers again) what `app` does on a close."""
    _handlers[app] = Handler(app, hand_over, holds, conflicts, order)


def handlers():
    return sorted(_handlers.values(), key=lambda h: (h.order, h.app))


def held_records(union):
    """Messages for each app that still holds records of `union` needing a successor."""
    found = (handler.holds(union) for handler in handlers() if handler.holds)
    return [message for message in found if message]


def conflicts(union, successor):
    """Messages for each app whose records `successor` cannot take from `union`."""
    found = []
    for handler in handlers():
        if handler.conflicts:
            found += handler.conflicts(union, successor)
    return found


def hand_over(actor, union, successor):
    """Every registered app hands its records of the closing union to the successor."""
    for handler in handlers():
        handler.hand_over(actor, union, successor)
