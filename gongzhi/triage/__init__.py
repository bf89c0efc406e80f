"""The AI grid worker (AI网格员): a plain library, importing nothing else of the project.

    from gongzhi.triage import suggest, find_duplicates, hot_topics, draft_reply

Names are loaded lazily: Django imports this package at start-up (it is an installed app for its
management commands) and should not pay for jieba and scikit-learn unless triage is used.
"""

from importlib import import_module

_EXPORTS = {
    "suggest": "gongzhi.triage.suggestion",
    "Suggestion": "gongzhi.triage.suggestion",
    "find_duplicates": "gongzhi.triage.duplicates",
    "hot_topics": "gongzhi.triage.topics",
    "Topic": "gongzhi.triage.topics",
    "draft_reply": "gongzhi.triage.replies",
    "CATEGORIES": "gongzhi.triage.taxonomy",
    "URGENCY_LEVELS": "gongzhi.triage.taxonomy",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
        globals()[name] = value  # looked up once
        return value
    raise AttributeError(f"module 'gongzhi.triage' has no attribute {name!r}")
