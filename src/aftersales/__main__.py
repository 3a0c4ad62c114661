"""The ``aftersales`` command: Django's manage.py with our settings preset."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv if sys.argv[0].endswith("aftersales") else ["aftersales", *sys.argv[1:]])


if __name__ == "__main__":
    main()
