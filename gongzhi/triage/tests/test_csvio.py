import io
import zipfile

import pytest

from gongzhi.triage.csvio import CsvFormatError, read_rows

ROWS = (
    "id,title,text,label,date\n"
    "1,电梯坏了,9栋电梯停运三天,电梯,2024-01-01\n"
    "2,,楼上装修太吵,噪音扰民,\n"
)


def test_utf8_bom(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ROWS.encode("utf-8"))
    rows = read_rows(path)
    assert [(r.id, r.title, r.text, r.label) for r in rows] == [
        ("1", "电梯坏了", "9栋电梯停运三天", "电梯"),
        ("2", "", "楼上装修太吵", "噪音扰民"),
    ]
    assert rows[0].extra == {"date": "2024-01-01"}


def test_gbk(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(ROWS.encode("gbk"))
    assert [r.label for r in read_rows(path)] == ["电梯", "噪音扰民"]


def test_plain_utf8_with_quoted_newlines_and_header_case():
    data = 'ID, Title ,TEXT,Label\n1,"标题","第一行\n第二行",其他\n'.encode()
    (row,) = read_rows(data)
    assert row.text == "第一行\n第二行"


def test_missing_columns_are_named():
    with pytest.raises(CsvFormatError) as err:
        read_rows("id,content\n1,电梯坏了\n".encode())
    message = str(err.value)
    assert "缺少必需的列" in message
    assert "title" in message and "text" in message and "label" in message


@pytest.mark.parametrize(
    "data",
    [
        "id,title,text,label\n1,标题,内容,其他\n".encode("utf-16"),
        b"id,title,text,label\n1,\xff\xfe\xfa,\x81\x20,x\n",
    ],
)
def test_other_encodings_are_refused(data):
    with pytest.raises(CsvFormatError, match="编码"):
        read_rows(data)


def test_empty_file_and_rows_without_label():
    with pytest.raises(CsvFormatError, match="为空"):
        read_rows(b"")
    with pytest.raises(CsvFormatError, match="第 2 行"):
        read_rows("id,title,text,label\n1,标题,内容,\n".encode())


def _xlsx() -> bytes:
    """What Excel's "save as .xlsx" writes: a zip archive of XML parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>" * 50)
        archive.writestr("xl/worksheets/sheet1.xml", "<row><c>电梯坏了</c></row>" * 50)
    return out.getvalue()


# An old .xls: the OLE2 compound-file signature, then its sectors.
XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00" + b"\xff" * 200


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_an_excel_file_renamed_csv_is_named_as_excel(tmp_path, kind):
    path = tmp_path / "monthly.csv"
    path.write_bytes(_xlsx() if kind == "xlsx" else XLS)
    with pytest.raises(CsvFormatError) as err:
        read_rows(path)
    assert "Excel" in str(err.value) and "另存为 CSV" in str(err.value)
    assert "空字符" not in str(err.value) and "UTF-16" not in str(err.value)
