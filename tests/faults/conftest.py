import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


FAILED = pytest.StashKey[bool]()


@pytest.fixture
def workdir(request: pytest.FixtureRequest) -> Iterator[Path]:
    """A private directory for the databases, logs and files of one fault test.

    Not pytest's tmp_path: parallel pytest sessions on one machine prune each other's older
    base temp directories, which would delete a database under a running server. Kept after a
    failure, for its logs."""
    path = Path(tempfile.mkdtemp(prefix="gongzhi-faults-"))
    yield path
    if request.node.stash.get(FAILED, True):
        print(f"fault test files kept in {path}")  # noqa: T201
    else:
        shutil.rmtree(path, ignore_errors=True)
