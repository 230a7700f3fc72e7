"""`service_action`: what every service that changes records does first (DESIGN: services
check the actor's scope and permission and run in a transaction), said once."""

import functools
import inspect

from django.db import transaction

from gonghui.core.scope import require_editor, require_visible


def service_action(scoped=None, lock=True, editor=True):
    """Run the service in one transaction, after checking that the actor's role may change
    records (`editor`) and that the argument named `scoped` lies in the actor's subtree
    (else OutOfScope: a 404). That argument is read again from the database, locked for
    update unless `lock` is false, and the service receives the fresh row. Each service
    still writes its own audit event: only it knows what changed."""

    def decorate(service):
        signature = inspect.signature(service)

        @functools.wraps(service)
        def action(actor, *args, **kwargs):
            with transaction.atomic():
                if editor:
                    require_editor(actor)
                if scoped is None:
                    return service(actor, *args, **kwargs)
                bound = signature.bind(actor, *args, **kwargs)
                given = bound.arguments[scoped]
                rows = type(given).objects
                fresh = (rows.select_for_update() if lock else rows).filter(pk=given.pk).first()
                bound.arguments[scoped] = require_visible(actor, fresh)
                return service(*bound.args, **bound.kwargs)

        return action

    return decorate
