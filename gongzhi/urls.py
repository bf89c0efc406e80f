from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from gongzhi.core.ratelimit import rate_limited
from gongzhi.core.views import bench_minimal, healthz
from gongzhi.org.views import SignInView, home

admin.site.site_header = "共治 · 管理后台"
admin.site.site_title = "共治"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("bench/minimal", bench_minimal, name="bench_minimal"),  # 404 unless GONGZHI_BENCH
    path(
        "accounts/login/",
        # Per address, on top of django-axes' lockout of one username from one address.
        rate_limited("login", "GONGZHI_LOGIN_RATE_PER_MINUTE", 20)(SignInView.as_view()),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("org/", include("gongzhi.org.urls")),
    path("cases/", include("gongzhi.cases.urls")),
    path("track/", include("gongzhi.cases.track_urls")),  # 进度查询, no sign-in
    path("me/", include("gongzhi.core.urls")),
    path("api/v1/", include("gongzhi.api.urls")),
    path("open311/v2/", include("gongzhi.api.open311.urls")),
    path("public/", include("gongzhi.insights.urls")),
    path("insights/", include("gongzhi.insights.staff_urls")),
    path("admin/", admin.site.urls),
]
