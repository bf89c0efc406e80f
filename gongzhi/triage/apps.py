from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "gongzhi.triage"
    label = "triage"
