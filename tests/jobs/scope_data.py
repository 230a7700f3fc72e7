"""Scope-walk data of the jobs app: an export started by the sibling county's staff, and
the import and export subjects the job routes take."""

from gonghui.jobs import exporting, registry, runner
from gonghui.jobs.models import Job

ORDER = 50


def build(tree, root_admin, found):
    options = exporting.check_options(
        tree.other,
        {"query": "", "format": "xlsx", "reveal": False, "reveal_reason": ""},
        registry.exporter("members"),
    )
    job = runner.start(
        tree.other, Job.Kind.EXPORT, "members", options,
        file_name=runner.export_file_name("members", "xlsx"),
    )  # fmt: skip
    found.add([job], subject=[*registry.importers(), *registry.exporters()])
