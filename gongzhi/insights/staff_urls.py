"""Pages for staff: the street's dashboard (数据驾驶舱) and the monthly analysis (月度研判报告)."""

from django.urls import path

from gongzhi.insights.views import dashboard, monthly

app_name = "insights"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("monthly/", monthly.monthly_report, name="monthly"),
]
