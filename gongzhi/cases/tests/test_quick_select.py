"""QuickSelect writes the same <select> as Django's template-rendered one (the work queue's
filter boxes use it): the same options, the chosen one selected, labels escaped, groups kept."""

import re

import pytest
from django import forms

from gongzhi.cases.forms.fields import QuickSelect

CHOICES = [
    ("", "全部小区"),
    (1, "华锦花园"),
    (2, "<b>南湖</b> & 景苑"),
    ("社区", [(3, "宝安花园"), (4, "锦绣南湖")]),
]


def _same_markup(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("value", ["", "2", 4, None])
def test_it_writes_what_djangos_select_writes(value) -> None:
    attrs = {"id": "id_compound", "class": "form-select", "aria-label": "小区"}
    quick = QuickSelect(choices=CHOICES).render("compound", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("compound", value, attrs=attrs)
    assert _same_markup(quick) == _same_markup(django)
    assert "&lt;b&gt;南湖&lt;/b&gt; &amp; 景苑" in quick


def test_the_queue_filter_shows_the_chosen_compound_selected(personas) -> None:
    from gongzhi.cases.forms.filing import QueueFilterForm

    compounds = [personas.compound_a, personas.compound_b]
    form = QueueFilterForm({"compound": str(personas.compound_b.pk)}, compounds=compounds)
    html = str(form["compound"])
    assert f'<option value="{personas.compound_b.pk}" selected>' in html
    assert f'<option value="{personas.compound_a.pk}">' in html
