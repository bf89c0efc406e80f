"""`import_cases FILE` with the AI grid worker's suggestion left out, so that the test can kill
the import while it writes. Loading the model costs each new process seconds of CPU; the
suggestion is written in a savepoint of the same transaction and is not what is tested here
(the server, which files cases the driver sends, keeps it). Prints `ready` when it starts.

Run as `python -m tests.faults.importer FILE`.
"""

import sys

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from gongzhi.cases import triage_link  # noqa: E402

if __name__ == "__main__":
    triage_link.record_suggestion = lambda case: None
    print("ready", flush=True)  # noqa: T201
    call_command("import_cases", sys.argv[1])
