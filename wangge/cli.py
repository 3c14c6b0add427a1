"""The ``wangge`` console script: Django's management commands with the project's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    # `wangge import-regions` reads better than `import_regions`; accept both.
    if len(argv) > 1:
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
