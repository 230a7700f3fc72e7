from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from gonghui.accounts import api as accounts_api
from gonghui.assistance import api as assistance_api
from gonghui.assistance.figures_views import FiguresView
from gonghui.cases import api as cases_api
from gonghui.cases.figures_views import CaseFiguresView
from gonghui.core import views as core_views
from gonghui.core.routes import Router
from gonghui.jobs.api import ExportView, ImportView, JobViewSet
from gonghui.members.api import (
    JoinApplicationViewSet,
    MembershipViewSet,
    PersonViewSet,
    RevealViewSet,
    TransferViewSet,
)
from gonghui.regions.api import RegionViewSet
from gonghui.unions.api import EmployerViewSet, UnionViewSet

router = Router()
router.include_format_suffixes = False  # JSON only; no .json variants of every route
router.register("regions", RegionViewSet, basename="region")
router.register("unions", UnionViewSet, basename="union")
router.register("employers", EmployerViewSet, basename="employer")
router.register("join-applications", JoinApplicationViewSet, basename="join-application")
router.register("persons", PersonViewSet, basename="person")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("transfers", TransferViewSet, basename="transfer")
router.register("reveals", RevealViewSet, basename="reveal")
router.register("jobs", JobViewSet, basename="job")
router.register("hardship-files", assistance_api.HardshipFileViewSet, basename="hardship-file")
router.register(
    "assistance-records", assistance_api.AssistanceRecordViewSet, basename="assistance-record"
)
router.register("campaigns", assistance_api.CampaignViewSet, basename="campaign")
router.register("hardship-reminders", assistance_api.ReminderViewSet, basename="hardship-reminder")
router.register("cases", cases_api.CaseViewSet, basename="case")

api_v1 = [
    path("auth/token/", accounts_api.TokenView.as_view(), name="token"),
    path("auth/me/", accounts_api.me, name="me"),
    path("imports/<slug:subject>/", ImportView.as_view(), name="import"),
    path("exports/<slug:subject>/", ExportView.as_view(), name="export"),
    path("hardship-figures/", FiguresView.as_view(), name="hardship-figures"),
    path("case-figures/", CaseFiguresView.as_view(), name="case-figures"),
    *router.urls,
]

urlpatterns = [
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("", include("gonghui.stats.urls")),
    path("", include("gonghui.jobs.urls")),
    path("", include("gonghui.calendar.urls")),
    path("", include("gonghui.accounts.urls")),
    path("", include("gonghui.unions.urls")),
    path("", include("gonghui.members.urls")),
    path("", include("gonghui.assistance.urls")),
    path("", include("gonghui.cases.urls")),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start script from a URL: the CSP allows no inline script.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="core/api_docs.html"),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
]

handler403 = "gonghui.core.views.permission_denied"
handler404 = "gonghui.core.views.not_found"
handler500 = "gonghui.core.views.server_error"
