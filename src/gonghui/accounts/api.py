from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from knox.models import AuthToken
from rest_framework import parsers, renderers, serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from gonghui.accounts import two_factor
from gonghui.accounts.views import locked_out
from gonghui.core import audit
from gonghui.core.models import AuditEvent


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Two-factor code (authenticator app or recovery code), where the user has it.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`; shown once.")
    expiry = serializers.DateTimeField()


def refuse(code, field, message):
    key = field or "non_field_errors"
    raise ValidationError({key: [serializers.ErrorDetail(message, code=code)]})


class TokenView(APIView):
    """POST username, password (and `otp` where two-factor login applies); get a token,
    shown this once (only its hash is kept), valid until `expiry`."""

    authentication_classes = []
    permission_classes = []
    parser_classes = (parsers.FormParser, parsers.MultiPartParser, parsers.JSONParser)
    renderer_classes = (renderers.JSONRenderer,)

    @extend_schema(request=TokenRequestSerializer, responses=TokenSerializer)
    def post(self, request, *args, **kwargs):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        # django-axes marks the request it was given (DRF's), which its middleware never
        # sees: answer a locked account here, as the login page does.
        user = authenticate(request, username=values["username"], password=values["password"])
        if getattr(request, "axes_locked_out", False):
            return locked_out(request)
        if user is None:
            refuse("authorization", None, _("Unable to log in with provided credentials."))
        if user.must_change_password:
            refuse(
                "password_change_required",
                "password",
                _("Change the password an administrator set on the web first."),
            )
        if two_factor.needs_code(user):
            self.check_code(user, values.get("otp", ""))
        instance, token = AuthToken.objects.create(user)
        audit.record(AuditEvent.Action.LOGIN, actor=user, note=_("API token issued."))
        return Response(TokenSerializer({"token": token, "expiry": instance.expiry}).data)

    def check_code(self, user, code):
        if not two_factor.has_device(user):
            refuse("otp_not_set_up", "otp", _("Set up two-factor login on the web first."))
        if not code.strip():
            refuse("otp_required", "otp", _("This account needs its two-factor code (otp)."))
        if two_factor.check(user, code) is None:
            audit.record(
                AuditEvent.Action.LOGIN_FAILED,
                actor_name=user.get_username(),
                note=_("Wrong two-factor code."),
            )
            refuse("otp_invalid", "otp", _("The two-factor code is wrong or expired."))


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")
    role = serializers.CharField()
    role_display = serializers.CharField(source="get_role_display")
    union = serializers.SerializerMethodField()
    can_edit = serializers.BooleanField()
    can_reveal_id_numbers = serializers.SerializerMethodField()

    @extend_schema_field(
        inline_serializer(
            "UnionRef",
            {"id": serializers.IntegerField(), "code": serializers.CharField(),
             "name": serializers.CharField()},
            allow_null=True,
        )
    )  # fmt: skip
    def get_union(self, user):
        u = user.union
        return {"id": u.pk, "code": u.code, "name": u.name} if u else None

    def get_can_reveal_id_numbers(self, user) -> bool:
        return user.has_perm("accounts.reveal_id_number")


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request):
    """The signed-in user, their role and the union they work for."""
    return Response(MeSerializer(request.user).data)
