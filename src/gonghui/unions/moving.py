"""What other apps do when a subtree moves: records that keep a copy of their union's path
(to be found by one index range, as cases are) rewrite it. Apps register here (in their
AppConfig.ready); services._reparent calls `moved` in the same transaction."""

_handlers = {}


def register(app, handler):
    """`handler(old_path, new_path)`: every copied path starting with old_path now starts
    with new_path."""
    _handlers[app] = handler


def moved(old_path, new_path):
    for handler in _handlers.values():
        handler(old_path, new_path)
