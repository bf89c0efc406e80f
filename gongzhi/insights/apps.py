from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "gongzhi.insights"
    label = "insights"
