"""Every change to unions and employers goes through here (web, API, CLI, imports).

Each function checks the actor's scope and role, validates all fields at once
(raising one ValidationError that names every bad field), writes in a
transaction and records an audit event.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.core.scope import require_editor, require_visible, scope_path
from gonghui.core.services import service_action
from gonghui.core.validation import Errors, confirm_or_raise
from gonghui.lib.identity import check_uscc
from gonghui.lib.text import clean_text, compact_code
from gonghui.regions.models import Region
from gonghui.unions import closing, moving
from gonghui.unions.models import Employer, TradeUnion

UNION_FIELDS = (
    "code", "name", "kind", "region", "parent", "uscc", "founded_on",
    "chair", "contact_person", "contact_phone", "address",
)  # fmt: skip
UNION_AUDIT_FIELDS = (*UNION_FIELDS, "status", "successor", "ended_on")
EMPLOYER_FIELDS = (
    "name", "uscc", "region", "industry", "employee_count", "address",
    "local_union", "covering_union",
)  # fmt: skip
CODE_PATTERN = re.compile(r"^[0-9A-Z]{4,20}$")
KINDS = frozenset(TradeUnion.Kind.values)  # looked up once: an import checks every row
INDUSTRIES = frozenset(Employer.Industry.values)


def find_region(code):
    """The division with this code, or None (an importer passes a finder that reads from
    memory instead)."""
    return Region.objects.filter(code=code).first()


def _region(value, errors, field="region", find=find_region):
    code = compact_code(value.code if isinstance(value, Region) else value)
    if not code:
        errors.add(field, _("This field is required."))
        return None
    region = find(code)
    if region is None:
        errors.add(field, _("Unknown division code %(code)s.") % {"code": code})
    elif not region.is_current:
        errors.add(
            field,
            _("Division code %(code)s was last valid in %(year)s; use the current code.")
            % {"code": code, "year": region.valid_to},
        )
    return region


def region_parent(code):
    """The code of the division above `code` (None at the top or for an unknown code)."""
    return Region.objects.filter(code=code).values_list("parent_id", flat=True).first()


def lies_within(code, area, parent_of=region_parent):
    """Whether division `code` is `area` or lies below it in the GB/T 2260 tree."""
    for _level in range(6):  # province, prefecture, county, township: never deeper
        if not code:
            return False
        if code == area:
            return True
        code = parent_of(code)
    return False


def territory(actor):
    """The division the actor's union stands for (None: a platform administrator, anywhere).
    A union they register or edit must lie inside it: a county's staff cannot put a union,
    and the join applications that follow it, into another county."""
    if actor.is_platform_admin or actor.union_id is None:
        return None
    return actor.union.region_id


def outside_territory(actor, code):
    return _(
        "Division %(code)s lies outside the area of %(union)s (%(area)s): "
        "a union you register or change must be within it."
    ) % {"code": code, "union": actor.union.name, "area": actor.union.region_id}


def check_territory(actor, region, errors, parent_of=region_parent, field="region"):
    """Add an error naming `field` if `region` (a Region) lies outside the actor's area."""
    area = territory(actor)
    if area is not None and region is not None and not lies_within(region.code, area, parent_of):
        errors.add(field, outside_territory(actor, region.code))


def not_in_scope(code):
    return _("No union with code %(code)s in your scope.") % {"code": code}


def closed_union(name, status):
    """Why a union that is no longer active cannot be a parent, local federation, ..."""
    return _("%(name)s is %(status)s and cannot take subordinate units.") % {
        "name": name,
        "status": status,
    }


def union_code(value, errors, field, required=True):
    """A union named by its code (or given as an instance): the code normalised, "" if none."""
    if isinstance(value, TradeUnion):
        value = value.code
    code = compact_code(value)
    if not code and required:
        errors.add(field, _("This field is required."))
    return code


def _union_in_scope(actor, value, errors, field, required=True):
    """Resolve a union given by code (or instance) that the actor may see and that is active."""
    code = union_code(value, errors, field, required)
    if not code:
        return None
    union = TradeUnion.objects.visible_to(actor).filter(code=code).first()
    if union is None:
        errors.add(field, not_in_scope(code))
    elif not union.is_active:
        errors.add(field, closed_union(union.name, union.get_status_display()))
        return None
    return union


def _text(data, errors, field, max_length, required=False):
    value = clean_text(data.get(field))
    if required and not value:
        errors.add(field, _("This field is required."))
    elif len(value) > max_length:
        errors.add(
            field,
            _("At most %(max)d characters; this has %(n)d.") % {"max": max_length, "n": len(value)},
        )
    return value


def union_values(data, errors, find_region=find_region, parent_required=True, today=None):
    """Normalise and check the union fields present in `data`, each by itself: the rules
    of the web form, the API and the importer alike. Return (values, warnings).

    Nothing here looks at other records but the division (through `find_region`): the
    parent comes back as its normalised code, and the caller resolves it (in scope,
    active) and checks that the code and the name under the parent are free. `today`
    spares an importer reading the clock for every row."""
    values, warnings = {}, {}
    if "code" in data:
        code = compact_code(data["code"])
        if not CODE_PATTERN.match(code):
            errors.add("code", _("A union code is 4 to 20 letters or digits."))
        values["code"] = code
    if "name" in data:
        values["name"] = _text(data, errors, "name", 100, required=True)
    if "kind" in data:
        if data["kind"] not in KINDS:
            errors.add("kind", _("Choose one of the listed kinds."))
        values["kind"] = data["kind"]
    if "region" in data:
        values["region"] = _region(data["region"], errors, find=find_region)
    if "parent" in data:
        values["parent"] = union_code(data["parent"], errors, "parent", parent_required)
    if "uscc" in data:
        try:
            values["uscc"], warnings["uscc"] = check_uscc(data["uscc"])
        except ValidationError as e:
            errors.add("uscc", e.message_dict["uscc"][0])
    if "founded_on" in data:
        founded = data["founded_on"]
        if founded and founded > (today or timezone.localdate()):
            errors.add("founded_on", _("The founding date cannot be in the future."))
        values["founded_on"] = founded or None
    for field, limit in (("chair", 50), ("contact_person", 50), ("address", 200)):
        if field in data:
            values[field] = _text(data, errors, field, limit)
    if "contact_phone" in data:
        values["contact_phone"] = _text(data, errors, "contact_phone", 30)
    return values, warnings


def code_in_use(code):
    return _("Union code %(code)s is already in use.") % {"code": code}


def _validate_union(actor, data, errors, instance=None):
    """Normalise and check union fields present in `data`; return (values, warnings)."""
    values, warnings = union_values(data, errors, parent_required=not actor.is_platform_admin)
    code = values.get("code")
    if (
        code
        and CODE_PATTERN.match(code)
        and TradeUnion.objects.filter(code=code).exclude(pk=getattr(instance, "pk", None)).exists()
    ):
        errors.add("code", code_in_use(code))
    region = values.get("region")
    if region is not None and "region" not in errors.by_field:
        # An edit that keeps the region keeps it (one set by a level above stays editable).
        if instance is None or region.code != instance.region_id:
            check_territory(actor, region, errors)
    if "parent" in values:
        values["parent"] = _union_in_scope(actor, values["parent"], errors, "parent", False)
    return values, warnings


def name_taken(parent_name, name):
    """`parent_name` None: the top level."""
    return _("%(parent)s already has an active subordinate union named %(name)s.") % {
        "parent": parent_name if parent_name is not None else _("the top level"),
        "name": name,
    }


def _check_sibling_name(errors, parent, name, exclude_pk=None):
    siblings = TradeUnion.objects.active().filter(parent=parent, name=name).exclude(pk=exclude_pk)
    if name and siblings.exists():
        errors.add("name", name_taken(parent.name if parent else None, name))


@service_action()
def create_union(actor, data, confirm=False):
    errors = Errors()
    data = dict.fromkeys(("code", "name", "kind", "region", "parent"), "") | data
    values, warnings = _validate_union(actor, data, errors)
    _check_sibling_name(errors, values.get("parent"), values.get("name"))
    errors.raise_if_any()
    confirm_or_raise(warnings, confirm)
    union = TradeUnion(**values)
    union.path = "/"  # set from the id below
    union.save()
    union.path = f"{union.parent.path if union.parent else '/'}{union.pk}/"
    union.save(update_fields=["path"])
    audit.record(
        AuditEvent.Action.CREATE,
        union,
        actor=actor,
        changes=audit.diff({}, audit.snapshot(union, UNION_AUDIT_FIELDS)),
    )
    return union


@service_action(scoped="union")
def update_union(actor, union, data, confirm=False, note=""):
    """Edit a union's own fields; moving, merging and dissolving have their own services."""
    errors = Errors()
    data = dict(data)  # the caller's form or request data stays as it was
    parent = data.pop("parent", None)
    if parent is not None and compact_code(getattr(parent, "code", parent)) != (
        union.parent.code if union.parent else ""
    ):
        errors.add("parent", _("To put a union under another parent, move it."))
    data = {k: v for k, v in data.items() if k in UNION_FIELDS}
    values, warnings = _validate_union(actor, data, errors, instance=union)
    if "name" in values:
        _check_sibling_name(errors, union.parent, values["name"], exclude_pk=union.pk)
    errors.raise_if_any()
    # Confirm only warnings the user is newly responsible for (an unchanged code passed before).
    if values.get("uscc") == union.uscc:
        warnings.pop("uscc", None)
    confirm_or_raise(warnings, confirm)
    before = audit.snapshot(union, UNION_AUDIT_FIELDS)
    for field, value in values.items():
        setattr(union, field, value)
    union.save()
    changes = audit.diff(before, audit.snapshot(union, UNION_AUDIT_FIELDS))
    if changes:
        audit.record(AuditEvent.Action.UPDATE, union, actor=actor, changes=changes, note=note)
    return union


def _reparent(union, new_parent):
    """Point `union` at `new_parent` and rewrite the paths of its whole subtree."""
    old_path = union.path
    new_path = f"{new_parent.path}{union.pk}/"
    TradeUnion.objects.filter(pk=union.pk).update(parent=new_parent)
    TradeUnion.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1))
    )
    moving.moved(old_path, new_path)
    union.refresh_from_db()


def _check_new_parent(actor, union, target, errors, field):
    """A union may go under `target` only if that does not put it inside itself."""
    if target is None:
        return
    if target.pk == union.pk or target.path.startswith(union.path):
        errors.add(
            field,
            _("%(target)s lies inside %(name)s; a union cannot go under its own subordinate.")
            % {"target": target.name, "name": union.name},
        )


def _lock_editable(actor, union):
    """Lock a union the actor may restructure: in scope, active, and not the actor's own root."""
    require_editor(actor)
    union = require_visible(actor, TradeUnion.objects.select_for_update().get(pk=union.pk))
    errors = Errors()
    if not union.is_active:
        errors.add("status", _("%(name)s is no longer active.") % {"name": union.name})
    if scope_path(actor) == union.path:
        errors.add(
            "parent",
            _("You work for %(name)s; its place in the tree is changed by the level above.")
            % {"name": union.name},
        )
    errors.raise_if_any()
    return union


@transaction.atomic
def move_union(actor, union, parent, note=""):
    """Move a union with its whole subtree under another parent (no cycles)."""
    union = _lock_editable(actor, union)
    errors = Errors()
    target = _union_in_scope(actor, parent, errors, "parent")
    _check_new_parent(actor, union, target, errors, "parent")
    check_territory(actor, union.region, errors)
    if target is not None and target.pk == union.parent_id:
        errors.add("parent", _("%(name)s is already its parent.") % {"name": target.name})
    if target is not None:
        _check_sibling_name(errors, target, union.name, exclude_pk=union.pk)
    errors.raise_if_any()
    before = audit.snapshot(union, ("parent",))
    _reparent(union, target)
    audit.record(
        AuditEvent.Action.MOVE,
        union,
        actor=actor,
        changes=audit.diff(before, audit.snapshot(union, ("parent",))),
        note=clean_text(note),
    )
    return union


def pool_problem(federation, pool):
    """Why `pool` cannot take the join applications of `federation`'s region, or None."""
    if pool.kind != TradeUnion.Kind.GIG_POOL:
        return _("%(name)s is not a new-forms-of-employment union.") % {"name": pool.name}
    if not pool.is_active:
        return closed_union(pool.name, pool.get_status_display())
    if not pool.path.startswith(federation.path) or not lies_within(
        pool.region_id, federation.region_id
    ):
        return _("%(name)s is not a union of %(federation)s's own area.") % {
            "name": pool.name,
            "federation": federation.name,
        }
    return None


@transaction.atomic
def assign_pool_union(actor, federation, pool, note=""):
    """A federation names the new-forms-of-employment union that receives the join
    applications of its region (the join page routes there and nowhere else); `pool`
    empty clears it. Its own staff or a level above decide; the pool union must be an
    active gig_pool union of its own subtree and area."""
    require_editor(actor)
    federation = require_visible(
        actor, TradeUnion.objects.select_for_update().get(pk=federation.pk)
    )
    errors = Errors()
    if federation.kind != TradeUnion.Kind.FEDERATION or not federation.is_active:
        errors.add(
            "pool_union",
            _("Only an active federation of trade unions assigns a pool union."),
        )
        errors.raise_if_any()
    target = _union_in_scope(actor, pool, errors, "pool_union", required=False)
    if target is not None:
        problem = pool_problem(federation, target)
        if problem:
            errors.add("pool_union", problem)
    errors.raise_if_any()
    before = audit.snapshot(federation, ("pool_union",))
    federation.pool_union = target
    federation.save(update_fields=["pool_union", "updated_at"])
    changes = audit.diff(before, audit.snapshot(federation, ("pool_union",)))
    if changes:
        note = clean_text(note)
        audit.record(AuditEvent.Action.UPDATE, federation, actor=actor, changes=changes, note=note)
    return federation


def pool_union_for(region):
    """The union that receives join applications for `region` (a Region), as assigned by
    the federation that owns it: the nearest federation at or above the division. Returns
    (union or None, the division looked at)."""
    code = region.code
    for _level in range(6):
        if not code:
            break
        federations = list(
            TradeUnion.objects.active()
            .filter(kind=TradeUnion.Kind.FEDERATION, region_id=code)
            .select_related("pool_union")
        )
        if federations:
            pools = {
                f.pool_union
                for f in federations
                if f.pool_union is not None and pool_problem(f, f.pool_union) is None
            }
            # None assigned (or two federations of one area disagreeing): no guessing.
            return (pools.pop() if len(pools) == 1 else None), code
        code = region_parent(code)
    return None, region.code


def _hand_over(actor, union, successor):
    """Give a closing union's subordinate unions and employers to its successor, and every
    other app's records by what it registered (unions/closing.py: members, hardship files,
    campaigns)."""
    for child in TradeUnion.objects.filter(parent=union):
        _reparent(child, successor)
    Employer.objects.filter(covering_union=union).update(covering_union=successor)
    Employer.objects.filter(local_union=union).update(local_union=successor)
    closing.hand_over(actor, union, successor)


def _close(actor, union, status, successor, ended_on, note):
    before = audit.snapshot(union, UNION_AUDIT_FIELDS)
    moved = TradeUnion.objects.filter(parent=union).count()
    union.status = status
    union.successor = successor
    union.ended_on = ended_on or timezone.localdate()
    # Closed first: a child named like the closing union may then take its place.
    union.save()
    if successor is not None:
        _hand_over(actor, union, successor)
    action = AuditEvent.Action.MERGE if status == "merged" else AuditEvent.Action.DISSOLVE
    changes = audit.diff(before, audit.snapshot(union, UNION_AUDIT_FIELDS))
    audit.record(action, union, actor=actor, changes=changes, note=note)
    _pass_on_pool(actor, union, successor)
    if successor is not None:
        audit.record(
            AuditEvent.Action.ABSORB,
            successor,
            actor=actor,
            note=_("Took over %(name)s (%(code)s) and its %(n)d subordinate unions. %(note)s")
            % {"name": union.name, "code": union.code, "n": moved, "note": note},
        )
    return union


def _pass_on_pool(actor, union, successor):
    """A closing pool union's assignments pass to its successor if that may take them
    (a pool union of the same federation), else they end: never left pointing at a
    union that takes nobody."""
    for federation in TradeUnion.objects.select_for_update().filter(pool_union=union):
        keeps = successor is not None and pool_problem(federation, successor) is None
        before = audit.snapshot(federation, ("pool_union",))
        federation.pool_union = successor if keeps else None
        federation.save(update_fields=["pool_union", "updated_at"])
        audit.record(
            AuditEvent.Action.UPDATE,
            federation,
            actor=actor,
            changes=audit.diff(before, audit.snapshot(federation, ("pool_union",))),
            note=_("%(name)s closed.") % {"name": union.name},
        )


def _check_closing(actor, union, value, ended_on, errors, required):
    """The successor (if any) and end date of a union being merged or dissolved."""
    successor = _union_in_scope(actor, value, errors, "successor", required=required)
    _check_new_parent(actor, union, successor, errors, "successor")
    if successor is not None:
        # Subordinates pass to the successor: their names must not clash with its own.
        clashes = sorted(
            set(TradeUnion.objects.active().filter(parent=union).values_list("name", flat=True))
            & set(
                TradeUnion.objects.active()
                .filter(parent=successor)
                .exclude(pk=union.pk)  # the closing union itself gives its name up
                .values_list("name", flat=True)
            )
        )
        if clashes:
            errors.add(
                "successor",
                _("%(name)s already has subordinate unions named %(names)s: rename one first.")
                % {"name": successor.name, "names": "、".join(clashes)},
            )
        for message in closing.conflicts(union, successor):
            errors.add("successor", message)
    if ended_on and ended_on > timezone.localdate():
        errors.add("ended_on", _("The end date cannot be in the future."))
    elif ended_on and union.founded_on and ended_on < union.founded_on:
        errors.add("ended_on", _("The end date cannot be before the founding date."))
    return successor


@transaction.atomic
def merge_union(actor, union, into, ended_on=None, note=""):
    """Merge a union into another: its subordinates and employers pass to the successor."""
    union = _lock_editable(actor, union)
    errors = Errors()
    successor = _check_closing(actor, union, into, ended_on, errors, required=True)
    errors.raise_if_any()
    return _close(actor, union, TradeUnion.Status.MERGED, successor, ended_on, clean_text(note))


@transaction.atomic
def dissolve_union(actor, union, successor=None, ended_on=None, note=""):
    """Dissolve a union. Its subordinates go to the successor; without one there must be none."""
    union = _lock_editable(actor, union)
    errors = Errors()
    successor = _check_closing(actor, union, successor, ended_on, errors, required=False)
    active_children = TradeUnion.objects.active().filter(parent=union).count()
    if successor is None and active_children and "successor" not in errors.by_field:
        errors.add(
            "successor",
            _(
                "%(name)s still has %(n)d active subordinate unions: name a successor "
                "to take them over, or move them first."
            )
            % {"name": union.name, "n": active_children},
        )
    if successor is None and "successor" not in errors.by_field:
        for message in closing.held_records(union):
            errors.add("successor", message)
    if not clean_text(note):
        errors.add("note", _("Give the reason for dissolving (e.g. the employer closed)."))
    errors.raise_if_any()
    return _close(actor, union, TradeUnion.Status.DISSOLVED, successor, ended_on, clean_text(note))


def employer_values(data, errors, find_region=find_region):
    """Normalise and check the employer fields present in `data`, each by itself (the form,
    the API and the importer alike); return (values, warnings). The unions come back as
    normalised codes and the social-credit code unchecked against the registry: the caller
    resolves and checks them."""
    values, warnings = {}, {}
    if "name" in data:
        values["name"] = _text(data, errors, "name", 200, required=True)
    if "uscc" in data:
        try:
            values["uscc"], warnings["uscc"] = check_uscc(data["uscc"])
        except ValidationError as e:
            errors.add("uscc", e.message_dict["uscc"][0])
    if "region" in data:
        values["region"] = _region(data["region"], errors, find=find_region)
    if "industry" in data:
        if data["industry"] not in INDUSTRIES:
            errors.add("industry", _("Choose a GB/T 4754 section from the list."))
        values["industry"] = data["industry"]
    if "employee_count" in data:
        count = data["employee_count"]
        if count is not None and count < 0:
            errors.add("employee_count", _("The number of employees cannot be negative."))
        values["employee_count"] = count
    if "address" in data:
        values["address"] = _text(data, errors, "address", 200)
    if "local_union" in data:
        values["local_union"] = union_code(data["local_union"], errors, "local_union")
    if "covering_union" in data:
        values["covering_union"] = union_code(
            data["covering_union"], errors, "covering_union", required=False
        )
    return values, warnings


def uscc_registered(code, name=None):
    """A social-credit code registered already: naming the employer only if the actor
    may see it."""
    if name is not None:
        return _("Social-credit code %(code)s is already registered for %(name)s.") % {
            "code": code,
            "name": name,
        }
    return _(
        "Social-credit code %(code)s is already registered by another "
        "union's area; ask the federation above to transfer the record."
    ) % {"code": code}


def _validate_employer(actor, data, errors, instance=None):
    values, warnings = employer_values(data, errors)
    if values.get("uscc"):
        clashes = Employer.objects.filter(uscc=values["uscc"]).exclude(
            pk=getattr(instance, "pk", None)
        )
        if clashes.exists():
            seen = clashes.visible_to(actor).first()
            errors.add("uscc", uscc_registered(values["uscc"], seen.name if seen else None))
    for field in ("local_union", "covering_union"):
        if field in values:
            values[field] = _union_in_scope(actor, values[field], errors, field, required=False)
    return values, warnings


@service_action()
def create_employer(actor, data, confirm=False):
    errors = Errors()
    data = dict.fromkeys(("name", "region", "industry", "local_union"), "") | data
    values, warnings = _validate_employer(actor, data, errors)
    errors.raise_if_any()
    confirm_or_raise(warnings, confirm)
    employer = Employer.objects.create(**values)
    audit.record(
        AuditEvent.Action.CREATE,
        employer,
        actor=actor,
        changes=audit.diff({}, audit.snapshot(employer, EMPLOYER_FIELDS)),
    )
    return employer


@service_action(scoped="employer")
def update_employer(actor, employer, data, confirm=False, note=""):
    data = {k: v for k, v in data.items() if k in EMPLOYER_FIELDS}
    errors = Errors()
    values, warnings = _validate_employer(actor, data, errors, instance=employer)
    errors.raise_if_any()
    if values.get("uscc") == employer.uscc:
        warnings.pop("uscc", None)
    confirm_or_raise(warnings, confirm)
    before = audit.snapshot(employer, EMPLOYER_FIELDS)
    for field, value in values.items():
        setattr(employer, field, value)
    employer.save()
    changes = audit.diff(before, audit.snapshot(employer, EMPLOYER_FIELDS))
    if changes:
        audit.record(AuditEvent.Action.UPDATE, employer, actor=actor, changes=changes, note=note)
    return employer
