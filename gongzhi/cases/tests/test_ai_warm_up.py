"""The web server reads the AI model as it starts, so that the first assessor to open a new
case does not wait seconds for scikit-learn and the model file."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROBE = (
    "import gongzhi.wsgi\n"
    "from gongzhi.cases import triage_link\n"
    "from gongzhi.triage import default\n"
    "print(bool(triage_link._loaded or default._cache))\n"
)


def _model_read_at_start(env_extra: dict[str, str]) -> str:
    env = {**os.environ, **env_extra}
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed probe
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_wsgi_application_starts_with_the_model_read() -> None:
    assert _model_read_at_start({}) == "True"
    assert _model_read_at_start({"GONGZHI_WARM_UP_AI": "0"}) == "False"
