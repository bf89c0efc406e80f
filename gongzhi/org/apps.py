from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "gongzhi.org"
    label = "org"
    verbose_name = "组织架构"

    def ready(self) -> None:
        from gongzhi.org import auth_audit  # noqa: F401 - connects the login audit receivers
