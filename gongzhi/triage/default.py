"""The shipped default model: trained from the seed corpus, cached on disk and per process.

No model binary is committed and nothing is downloaded: a fresh clone trains the model the first
time it is needed (`triage_build` does it at setup) and keeps it in `model_dir()`.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path

from gongzhi.triage import model as modelmod
from gongzhi.triage.csvio import read_rows

_lock = threading.Lock()
_cache: dict[str, modelmod.TriageModel] = {}


def seed_bytes(path: Path | None = None) -> bytes:
    return (path or modelmod.SEED_CORPUS).read_bytes()


@functools.lru_cache(maxsize=4)
def _version_of(path: Path, mtime_ns: int, size: int) -> str:
    return modelmod.version_for(path.read_bytes())


def default_version() -> str:
    """ALGORITHM + hash of the seed corpus (re-hashed only when the file changes)."""
    stat = modelmod.SEED_CORPUS.stat()
    return _version_of(modelmod.SEED_CORPUS, stat.st_mtime_ns, stat.st_size)


def train_from_csv(data: bytes, version: str) -> modelmod.TriageModel:
    rows = read_rows(data)
    urgencies = [r.extra.get("urgency", "").strip() for r in rows]
    return modelmod.train(
        [r.title for r in rows],
        [r.text for r in rows],
        [r.label for r in rows],
        urgencies if all(urgencies) else None,
        version,
    )


def build(directory: Path | None = None, force: bool = False) -> Path:
    """Train the default model from the seed corpus unless its file already exists."""
    data = seed_bytes()
    version = modelmod.version_for(data)
    path = modelmod.model_path(version, directory)
    if force or not path.exists():
        modelmod.save(train_from_csv(data, version), path)
    return path


def get_model() -> modelmod.TriageModel:
    """The default model, loaded once per process (trained first if its file is missing)."""
    version = default_version()
    model = _cache.get(version)
    if model is not None:
        return model
    with _lock:
        if version not in _cache:
            path = build()
            try:
                _cache[version] = modelmod.load(path)
            except Exception:  # a corrupt or foreign file: retrain rather than fail every call
                _cache[version] = modelmod.load(build(force=True))
        return _cache[version]


def clear_cache() -> None:
    _cache.clear()
