"""The stored 楼盘表 of a compound, written in the import format of `roster`."""

import io
from typing import Any

from gongzhi.org.models import Compound, Residency, Unit
from gongzhi.org.roster import (
    AREA_SOURCE_LABELS,
    COLUMNS,
    COMPOUND_IDENTIFIER,
    RESIDENT_KIND_LABELS,
    ROSTER_SUBJECT,
    SEP,
    STATUS_LABELS,
    PersonEntry,
    ResidentEntry,
    RosterRow,
)

# --- Writing -----------------------------------------------------------------------------------


def write_workbook(
    rows: list[RosterRow], title: str = "", *, compound: Compound | None = None
) -> bytes:
    """The rows as an .xlsx file in the import format (text cells for phones and IDs). With
    `compound`, the workbook is marked as its roster: its number as the document identifier,
    its name as the document's and the sheet's title; the import refuses the file for any other
    compound. `title` alone (older callers) marks the name only."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    if compound is not None:
        title = compound.name
        workbook.properties.identifier = f"{COMPOUND_IDENTIFIER}{compound.pk}"
    if title:
        workbook.properties.subject = ROSTER_SUBJECT
        workbook.properties.title = title
    sheet = workbook.active
    sheet.title = (title or ROSTER_SUBJECT)[:31]
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(_cells(row))
    text_columns = {"单元", "房号", "业主手机", "业主身份证号", "住户"}
    for index, column in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = 24 if column in text_columns else 12
        if column in text_columns:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "@"
        if column == "专有面积":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "0.00"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cells(row: RosterRow) -> list[Any]:
    if row.status == Unit.Status.UNSOLD:
        names, phones, ids = row.developer_name, "", ""
    else:
        names = SEP.join(o.name for o in row.owners)
        phones = SEP.join(o.phone for o in row.owners)
        ids = (
            SEP.join(o.id_number for o in row.owners)
            if any(o.id_number for o in row.owners)
            else ""
        )
    residents = SEP.join(
        f"{r.name}（{RESIDENT_KIND_LABELS[r.kind]}）{r.phone}" for r in row.residents or ()
    )
    return [
        row.building,
        row.floors,
        row.entrance,
        row.room,
        row.floor,
        row.area,
        AREA_SOURCE_LABELS[row.area_source],
        STATUS_LABELS[row.status],
        names,
        phones,
        ids,
        residents,
    ]


# --- The roster of a compound as stored --------------------------------------------------------


def rows_for_compound(compound: Compound) -> list[RosterRow]:
    """Every unit of the compound as a roster row, with full contacts (for the roster roles)."""
    from django.db.models import Prefetch

    from gongzhi.org.models import OwnerMember

    units = (
        Unit.objects.filter(building__compound=compound)
        .select_related("building", "owner")
        .prefetch_related(
            Prefetch(
                "owner__members",
                queryset=OwnerMember.objects.select_related("person").order_by(
                    "-is_designated_voter", "id"
                ),
            ),
            Prefetch(
                "residencies",
                queryset=Residency.objects.filter(moved_out__isnull=True)
                .select_related("person")
                .order_by("id"),
                to_attr="current_residencies",
            ),
        )
        .order_by("building_id", "entrance", "floor", "room")
    )
    rows = []
    for unit in units:
        owner = unit.owner
        members = list(owner.members.all()) if owner else []
        owners = tuple(
            PersonEntry(m.person.name, m.person.phone, m.person.id_number) for m in members
        )
        residents = tuple(
            ResidentEntry(
                r.person.name,
                r.kind,
                "" if r.kind == Residency.Kind.OWNER_OCCUPIER else r.person.phone,
            )
            for r in unit.current_residencies
        )
        rows.append(
            RosterRow(
                line=0,
                building=unit.building.name,
                floors=unit.building.floors,
                entrance=unit.entrance,
                room=unit.room,
                floor=unit.floor,
                area=unit.area,
                area_source=unit.area_source,
                status=unit.ownership_status,
                owners=owners,
                developer_name=owner.developer_name if owner and not members else "",
                residents=residents,
            )
        )
    return rows
