"""`run_scheduler` with the clock moved forward, so that deadlines pass and cases escalate.

Run as `python -m tests.faults.scheduler DAYS`; the real command does the work.
"""

import datetime as dt
import sys

import django
import time_machine

django.setup()

from django.core.management import call_command  # noqa: E402

if __name__ == "__main__":
    days = float(sys.argv[1])
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
    with time_machine.travel(later, tick=True):
        call_command("run_scheduler", interval=0.2)
