"""Reading a written address ("3号楼2单元502室") as a building and unit of a compound."""

import pytest

from gongzhi.org import services
from gongzhi.org.selectors import place_in_compound


@pytest.mark.parametrize(
    ("address", "building", "unit"),
    [
        ("A小区1栋1单元101", "1栋", "1单元101"),
        ("南湖路1号A小区 1号楼 1单元 102室", "1栋", "1单元102"),
        ("A小区1幢1-101", "1栋", "1单元101"),
        ("A小区11栋1单元101", "11栋", None),  # 11栋 is not 1栋, and has no such flat
        ("A小区1栋楼下垃圾桶", "1栋", None),
        ("A小区1栋9单元999", "1栋", None),  # no such flat: the building only
        ("A小区东门停车场", None, None),
        ("", None, None),
    ],
)
@pytest.mark.django_db
def test_an_address_names_a_building_and_flat_of_the_compound(
    personas, address, building, unit
) -> None:
    services.building_create(compound=personas.compound_a, name="11栋", floors=6)
    found_building, found_unit = place_in_compound(personas.compound_a, address)
    assert (found_building.name if found_building else None) == building
    assert (found_unit.label if found_unit else None) == unit
