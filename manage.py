#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "betterbros.settings")
    # Django's, with a missing database, a bad DATABASE_URL … as one line instead of a traceback.
    from betterbros.management.faults import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
