"""A workflow's transitions as API actions (core/workflow.py): one POST action per
transition, `POST /api/v1/<records>/<pk>/<name>/`, made from the table, so the API and the
web pages offer the same steps under the same names. Thin: the request's JSON object goes
to the transition's service as it came, so errors are named as the services name them."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action


def payload(request):
    """The request's object as the services read it."""
    data = request.data
    if hasattr(data, "dict"):  # a form post (QueryDict): one value per key
        data = data.dict()
    if not isinstance(data, dict):
        raise ValidationError(_("Send a JSON object."))
    return data


def step(transition, answer, record_of):
    """The transition as a POST action on one record; answers with `answer`'s detail of
    the record the service returns (`record_of` finds it in what a service returns that
    is not the record itself, e.g. a visit)."""
    status = 201 if transition.creates else 200

    def view(self, req, pk=None):
        result = transition.service(req.user, self.get_object(), payload(req))
        return self.respond(record_of(result), status)

    name = transition.name
    view.__name__ = view.__qualname__ = name.replace("-", "_")  # DRF dispatches by name
    view.__doc__ = transition.api_doc
    view = action(detail=True, methods=["post"], url_path=name, url_name=name)(view)
    return extend_schema(request=transition.api_input, responses={status: answer})(view)


def with_transitions(workflow, answer, record_of=lambda result: result):
    """A class decorator: the workflow's transitions as POST actions of the viewset, which
    answers each with `respond(record, status)`."""

    def add(viewset):
        for transition in workflow:
            attribute = transition.name.replace("-", "_")
            if hasattr(viewset, attribute):  # e.g. "action" would shadow DRF's self.action
                raise TypeError(f"{viewset.__name__}.{attribute} exists: rename the transition")
            setattr(viewset, attribute, step(transition, answer, record_of))
        return viewset

    return add
