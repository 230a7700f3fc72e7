"""gonghui totp USERNAME: the two-factor code the user's app would show now."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gonghui.accounts import two_factor
from gonghui.accounts.models import User


class Command(BaseCommand):
    help = (
        "Print a user's current two-factor (TOTP) code, for the demo and tests. Anyone who "
        "can run it reads the database, and so the secrets: it adds no power."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No user %(name)s.") % {"name": username})
        code = two_factor.current_code(user)
        if code is None:
            raise CommandError(_("%(name)s has not set up two-factor login.") % {"name": username})
        self.stdout.write(code)
