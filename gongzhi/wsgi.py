import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
application = get_wsgi_application()


def _warm_up_the_ai_grid_worker() -> None:
    """Read the AI model once as the server starts (about 2.5 s: scikit-learn, the model file,
    the segmenter) and the name tagger, not in the first request that opens a new case or a
    public page. Under gunicorn --preload the workers share what the master read. Never stops
    the server from starting."""
    if os.environ.get("GONGZHI_WARM_UP_AI", "1") != "1":
        return
    try:
        from gongzhi.cases import triage_link
        from gongzhi.triage.names import name_spans

        triage_link.suggest("楼道灯不亮，请物业尽快维修")
        # The name tagger (about 4 s), which the public pages and a company's view of a
        # complaint about it read every text through (S9).
        name_spans("张师傅说明天来修")
    except Exception:  # the first request will try again, and say so in its own log
        logging.getLogger(__name__).exception("AI grid worker warm-up failed")


_warm_up_the_ai_grid_worker()
