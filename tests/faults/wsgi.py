"""The WSGI application for the fault tests' gunicorn, warmed before the workers fork.

gunicorn runs with --preload: loading the AI grid worker's model and the name tagger here (as
`gongzhi.wsgi` does for a real server; a long-running one would have done it long ago) lets a
worker killed by the test be replaced in a moment. Without the tagger, each new worker spent
its first seconds loading it for the first staff notice (S9 scrubbing), and was killed first.
"""

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()

from gongzhi.cases import triage_link  # noqa: E402
from gongzhi.triage.names import name_spans  # noqa: E402

triage_link.suggest("楼道灯坏了一周，晚上很黑", "楼道灯不亮")
name_spans("张师傅说明天来修")
