from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Notification kinds the cases app sends besides the initial ones of the notifications API.
EXTRA_KINDS = {
    "case.assess_overdue": _("诉求研判超时"),
    "case.closed": _("诉求已办结"),
    "case.dispatch_overdue": _("诉求交办超时"),
    "case.emergency_suggested": _("疑似紧急诉求待研判"),
    "case.extension_requested": _("诉求申请延期"),
    "case.visit_due": _("诉求即将逾期自动办结"),  # S5: the visit not recorded yet
    "case.not_accepted": _("诉求不予受理"),
    "case.reassigned": _("诉求已改派"),
    "case.repeated": _("重复诉求已并入"),
    "case.respond_overdue": _("诉求签收超时"),
    "case.terminated": _("诉求已终止"),
    "case.tracking_link": _("进度查询链接"),  # texted on request at /track/ (requester_sms)
    "case.termination_requested": _("诉求申请终止"),
}
# Reach staff in their quiet hours too (the AI grid worker read a gas smell, a fire …).
URGENT_EXTRA_KINDS = {"case.emergency_suggested"}
# Those a requester receives (`notices.tell_requester`, a repeat's outcome): a resident's
# 通知设置 lists them; the rest are for staff only.
REQUESTER_EXTRA_KINDS = {
    "case.closed",
    "case.not_accepted",
    "case.reassigned",
    "case.reopened",  # 重办 after a visit staff recorded (closure._tell_reopened)
    "case.repeated",
    "case.terminated",
}
# Those only a requester receives (staff's 通知设置 leaves them out): outcomes told to the
# requester alone, a repeat's 并入, the tracking link texted to a phone.
REQUESTER_ONLY_KINDS = {
    "case.closed",
    "case.not_accepted",
    "case.repeated",
    "case.terminated",
    "case.tracking_link",
}


class CasesConfig(AppConfig):
    name = "gongzhi.cases"
    label = "cases"
    verbose_name = "诉求"

    def ready(self) -> None:
        try:
            from gongzhi.core.notifications import register_kind
            from gongzhi.core.notifications.kinds import label_for
        except ImportError:  # the notifications package is optional for the domain layer
            return
        for kind, label in EXTRA_KINDS.items():
            register_kind(
                kind,
                label,
                urgent=kind in URGENT_EXTRA_KINDS,
                for_residents=kind in REQUESTER_EXTRA_KINDS,
                requester_only=kind in REQUESTER_ONLY_KINDS,
            )
        for kind in REQUESTER_EXTRA_KINDS - EXTRA_KINDS.keys():  # the API's own kinds
            register_kind(kind, label_for(kind), for_residents=True)
        from gongzhi.cases.services.requester_sms import still_wanted
        from gongzhi.core.notifications.phone import register_still_wanted

        register_still_wanted(still_wanted)
        from gongzhi.cases.notice_links import closed_case_links
        from gongzhi.core.notifications.links import register_link_check

        register_link_check("cases", closed_case_links)
