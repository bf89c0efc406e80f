"""While the AI grid worker reads a new case for an assessor's first look at it, the others'
actions go on: the reading holds no transaction (on SQLite it held up every writer)."""

import threading

import pytest
from django.db import connections
from django.test import Client

from gongzhi.cases import triage_link
from gongzhi.cases.choices import Category, SlaClass, Urgency
from gongzhi.cases.models import CaseSuggestion
from gongzhi.cases.workflow import Status

WAIT = 10.0  # seconds the AI's reading waits for the colleague's 研判 (the old code: in vain)


@pytest.mark.django_db(transaction=True)
def test_a_colleague_assesses_while_the_ai_reads_the_case(make, personas, settings, monkeypatch):
    settings.GONGZHI_TRIAGE_AT_FILING = "deferred"
    p = personas
    case = make.received()
    reading, assessed = threading.Event(), threading.Event()
    waited_in_vain: list[bool] = []
    real_suggest = triage_link.suggest

    def slow_suggest(text: str, title: str = ""):
        reading.set()
        waited_in_vain.append(not assessed.wait(WAIT))
        return real_suggest(text, title)

    monkeypatch.setattr(triage_link, "suggest", slow_suggest)
    pages = []

    def first_look() -> None:
        try:
            assessor = Client()
            assessor.force_login(p.community_worker)
            pages.append(assessor.get(f"/cases/{case.pk}/"))
        finally:
            connections.close_all()

    looker = threading.Thread(target=first_look)
    looker.start()
    assert reading.wait(WAIT)
    colleague = Client()
    colleague.force_login(p.street_officer)
    data = {"version": case.version, "category": Category.REPAIR, "type": case.type}
    response = colleague.post(
        f"/cases/{case.pk}/assess",
        {**data, "sla_class": SlaClass.PROPERTY, "urgency": Urgency.NORMAL},
    )
    assessed.set()
    looker.join()

    assert response.status_code == 302
    assert waited_in_vain == [False]  # the 研判 went through while the AI was still reading
    assert pages[0].status_code == 200
    case.refresh_from_db()
    assert case.status == Status.ASSESSED
    # Advice on a case assessed meanwhile is dropped: nobody would weigh it.
    assert not CaseSuggestion.objects.filter(case=case).exists()
