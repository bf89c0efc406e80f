"""The WSGI application for the fault tests' gunicorn, warmed before the workers fork.

gunicorn runs with --preload: loading the AI grid worker's model here (as a long-running server
would have done long ago) lets a worker killed by the test be replaced in a moment.
"""

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()

from gongzhi.cases import triage_link  # noqa: E402

triage_link.suggest("楼道灯坏了一周，晚上很黑", "楼道灯不亮")
