"""Data the gongzhi scenarios read, printed as JSON (run by bench/run.py with DATABASE_URL set).

    .venv/bin/python bench/scenarios/_prepare_gongzhi.py USERNAME...

case_ids: the 500 newest cases each named demo account may open (its `visible_to` scope).
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from gongzhi.cases.models import Case  # noqa: E402


def main() -> None:
    User = get_user_model()
    case_ids = {}
    for username in sys.argv[1:]:
        user = User.objects.get(username=username)
        ids = Case.objects.visible_to(user).order_by("-id").values_list("id", flat=True)[:500]
        case_ids[username] = list(ids)
    print(json.dumps({"case_ids": case_ids, "cases": Case.objects.count()}))


if __name__ == "__main__":
    main()
