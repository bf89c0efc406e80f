from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from gongzhi.core.views import healthz
from gongzhi.org.views import home

admin.site.site_header = "共治 · 管理后台"
admin.site.site_title = "共治"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("org/", include("gongzhi.org.urls")),
    path("cases/", include("gongzhi.cases.urls")),
    path("me/", include("gongzhi.core.urls")),
    path("api/v1/", include("gongzhi.api.urls")),
    path("open311/v2/", include("gongzhi.api.open311.urls")),
    path("public/", include("gongzhi.insights.urls")),
    path("admin/", admin.site.urls),
]
