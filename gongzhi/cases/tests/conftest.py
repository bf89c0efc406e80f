"""Case fixtures on top of the `personas` street: a case in each status, made through services."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.cases import services
from gongzhi.cases.choices import CaseType, Category, Channel, Level, SlaClass, Urgency
from gongzhi.cases.sla import ensure_default_policies
from gongzhi.cases.tests.images import png_bytes

PNG = png_bytes(2, 2)  # a real image: uploads are checked by content and pixel count


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


class CaseMaker:
    """Walks a case through the workflow with the right persona for each step."""

    def __init__(self, personas) -> None:
        self.p = personas

    def received(self, *, compound=None, type=CaseType.HELP, requester=None, **kw):
        p = self.p
        actor = p.grid_worker if compound is None or compound != p.compound_c else p.street_officer
        ensure_default_policies()  # a transactional test before this one may have flushed them
        return services.case_file(
            actor=actor,
            compound=compound or p.compound_a,
            channel=kw.pop("channel", Channel.HOTLINE_12345),
            type=type,
            title=kw.pop("title", "楼道灯不亮"),
            content=kw.pop("content", "3单元楼道灯坏了一周"),
            requester=requester if requester is not None else p.resident_a,
            **kw,
        )

    def assessed(self, sla_class=SlaClass.PROPERTY, **kw):
        case = self.received(**kw)
        return services.case_assess(
            case=case,
            actor=self.p.community_worker
            if case.compound != self.p.compound_c
            else self.p.street_officer,
            category=Category.REPAIR,
            sla_class=sla_class,
            urgency=Urgency.NORMAL,
        )

    def dispatched(self, **kw):
        case = self.assessed(**kw)
        return services.case_dispatch(
            case=case,
            actor=self.p.community_worker
            if case.compound != self.p.compound_c
            else self.p.street_officer,
            level=Level.COMPOUND,
            company=self.p.company_x if case.compound != self.p.compound_b else self.p.company_y,
        )

    def _handler(self, case):
        return self.p.property_a if case.assigned_company == self.p.company_x else self.p.property_b

    def accepted(self, **kw):
        case = self.dispatched(**kw)
        return services.case_accept(case=case, actor=self._handler(case))

    def in_progress(self, **kw):
        case = self.accepted(**kw)
        return services.case_start(case=case, actor=self._handler(case))

    def resolved(self, **kw):
        case = self.in_progress(**kw)
        return services.case_resolve(
            case=case,
            actor=self._handler(case),
            public_reply="已更换楼道灯，恢复照明。",
            evidence=[png()],
        )


@pytest.fixture
def make(personas, settings, tmp_path) -> CaseMaker:
    settings.MEDIA_ROOT = tmp_path
    ensure_default_policies()  # transactional tests flush the migration rows
    return CaseMaker(personas)


__all__ = ["CaseMaker", "io", "png"]
