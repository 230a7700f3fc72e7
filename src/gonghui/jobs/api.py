"""Jobs by API: start an import by uploading a file, follow any job, fetch its file."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from gonghui.core.api import ScopedViewSet
from gonghui.core.scope import require_editor
from gonghui.jobs import exporting, registry, runner
from gonghui.jobs.forms import ImportForm
from gonghui.jobs.models import Job


class JobSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display")
    finished = serializers.BooleanField()
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id", "kind", "subject", "status", "status_display", "finished", "file_name",
            "options", "total", "done", "result", "message", "created_at", "started_at",
            "finished_at", "cancel_requested", "file_url",
        ]  # fmt: skip

    def get_file_url(self, job) -> str | None:
        if not runner.result_file(job):
            return None
        return self.context["request"].build_absolute_uri(f"/api/v1/jobs/{job.pk}/file/")


class JobViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, ScopedViewSet):
    """The caller's own imports and exports, with progress and result; `file/` fetches the
    error report of an import or the output of an export."""

    model = Job
    serializer_class = JobSerializer
    filterset_fields = ["kind", "status"]

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True)
    def file(self, request, pk=None):
        return runner.download(request, self.get_object())

    @extend_schema(
        request=None,
        responses={200: JobSerializer},
        description="Cancel one's own queued or running job: a queued one never starts, a "
        "running one ends cancelled at its next step with nothing of it written "
        "(`cancel_requested` meanwhile). Another user's job answers 404; one that has "
        "ended answers 400.",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        job = get_object_or_404(Job.objects.filter(user=request.user), pk=pk)
        job = runner.cancel(request.user, job)
        return Response(JobSerializer(job, context={"request": request}).data)


class ImportInput(serializers.Serializer):
    file = serializers.FileField()
    union = serializers.CharField(required=False, allow_blank=True, default="")
    skip_invalid = serializers.BooleanField(required=False, default=False)


class ImportView(APIView):
    """Upload a roster (multipart: file, union, skip_invalid); answers 202 with the job,
    which runs in the background: follow it at /api/v1/jobs/{id}/."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=ImportInput, responses={202: JobSerializer})
    def post(self, request, subject):
        if not registry.has_importer(subject):
            raise Http404
        require_editor(request.user)
        form = ImportForm(request.data, request.FILES)
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        data = form.cleaned_data
        options = {"union": data["union"], "skip_invalid": data["skip_invalid"]}
        job = runner.start(request.user, Job.Kind.IMPORT, subject, options, upload=data["file"])
        return Response(
            JobSerializer(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED
        )


class ExportInput(serializers.Serializer):
    format = serializers.ChoiceField(choices=["xlsx", "csv"], default="xlsx")
    reveal_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="whole ID-card and phone numbers, for a user with the permission; logged",
    )


class ExportView(APIView):
    """Export a list as its endpoint filters it: the query string takes the same filters as
    the list (e.g. /api/v1/exports/members/?union=5101040000&status=active). Answers 202
    with the job; its `file_url` gives the file when it is done."""

    @extend_schema(request=ExportInput, responses={202: JobSerializer})
    def post(self, request, subject):
        if not registry.has_exporter(subject):
            raise Http404
        serializer = ExportInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        query = request.query_params.copy()
        options = exporting.check_options(
            request.user,
            {"query": query.urlencode(), "format": data["format"],
             "reveal": bool(data["reveal_reason"].strip()), "reveal_reason": data["reveal_reason"]},
            registry.exporter(subject),
        )  # fmt: skip
        name = runner.export_file_name(subject, options["format"])
        job = runner.start(request.user, Job.Kind.EXPORT, subject, options, file_name=name)
        return Response(
            JobSerializer(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED
        )
