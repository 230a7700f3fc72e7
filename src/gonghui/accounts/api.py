from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from gonghui.accounts.views import locked_out


class TokenView(ObtainAuthToken):
    """POST username and password, get the token to send as `Authorization: Token <key>`."""

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            # django-axes marks the request it was given (DRF's), which its middleware
            # never sees: answer a locked account here, as the login page does.
            if getattr(request, "axes_locked_out", False):
                return locked_out(request)
            raise


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
