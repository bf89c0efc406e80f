"""Stored words as the analysis pages show them, in the reader's language."""

from django.utils.translation import gettext as _

from gongzhi.cases.choices import UNNAMED_DEPARTMENT


def department_name(name: str) -> str:
    """A department as stored, but the placeholder of one nobody has named yet
    (`UNNAMED_DEPARTMENT`, kept in Chinese in the data) translated at display."""
    if name == UNNAMED_DEPARTMENT:
        return _("待街道指定的职能部门")
    return name
