"""The `gonghui` command: Django's management commands plus our own.

Ours are management commands too (serve, demo, regions, ...), so `gonghui
migrate`, `gonghui shell -c ...` and `gonghui demo` share one entry point.
"""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
