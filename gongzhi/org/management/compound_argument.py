"""The COMPOUND argument of the roster commands: a compound's number (id) or its name."""

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from gongzhi.org.models import Compound

HELP = (
    "小区编号或名称，例如 1 或 华锦花园。编号即小区页面网址 /org/compounds/编号/ 中的数字；"
    "只写名称的一部分（如 华锦）会列出匹配的小区及其编号；重名的小区须用编号"
)


def add_compound_argument(parser: CommandParser) -> None:
    parser.add_argument("compound", metavar="COMPOUND", help=HELP)


def compound_from_argument(value: str) -> Compound:
    """The one compound `value` names, or a CommandError that says how to name it."""
    value = value.strip()
    if value.isdigit():
        compound = Compound.objects.filter(pk=int(value)).select_related("community").first()
        if compound is not None:
            return compound
    matches = list(Compound.objects.filter(name=value).select_related("community").order_by("pk"))
    if len(matches) == 1:
        return matches[0]
    if not matches:
        if value.isdigit():
            raise CommandError(_("没有编号为 %(id)s 的小区") % {"id": value})
        similar = Compound.objects.filter(name__contains=value).select_related("community")
        similar = list(similar.order_by("pk")[:10])
        if similar:
            raise CommandError(
                _("没有名为「%(name)s」的小区；名称相近的有：%(candidates)s")
                % {"name": value, "candidates": _listing(similar)}
            )
        raise CommandError(_("没有名为「%(name)s」的小区") % {"name": value})
    candidates = _listing(matches)
    raise CommandError(
        _("有 %(count)d 个小区名为「%(name)s」，请改用编号：%(candidates)s")
        % {"count": len(matches), "name": value, "candidates": candidates}
    )


def _listing(compounds: list[Compound]) -> str:
    return "、".join(f"{c.pk} {c.name}（{c.community.name}）" for c in compounds)
