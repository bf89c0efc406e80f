"""Small 楼盘表 workbooks for the roster tests (made here, never copied from real data)."""

import io

from openpyxl import Workbook

from gongzhi.org.roster import COLUMNS

# Valid, clearly fake ID numbers (region 420199 does not exist; check digits are right).
ID_ZHANG = "420199198001010019"
ID_WANG = "420199198203040021"
ID_LI = "420199197505050036"
ID_OTHER = "420199199009090046"

GOOD_ROWS = [
    # 楼栋, 层数, 单元, 房号, 楼层, 面积, 来源, 状态, 业主, 手机, 身份证, 住户
    ["1栋", 6, "1", "101", 1, 89.5, "登记", "已登记", "张伟", "19900000001", ID_ZHANG,
     "张伟（业主自住）、张小明（家庭成员）19900000009"],
    ["1栋", 6, "1", "102", 1, "120.25", "实测", "已登记", "王芳、李强", "19900000002、19900000003",
     f"{ID_WANG}、{ID_LI}", "王芳（业主自住）"],
    ["1栋", 6, "2", "601", 6, 66, "合同", "已交付未登记", "张伟", "19900000001", ID_ZHANG,
     "赵六（租户）19900000004"],
    ["2栋", 18, "1", "1801", 18, 140.05, "登记", "未售", "武汉南湖置业有限公司", "", "", ""],
    ["2栋", 18, "1", "1802", 18, 140.05, "登记", "未售", "", "", "", ""],
]  # fmt: skip


def workbook_bytes(rows: list[list], header: list[str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header or COLUMNS))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(rows: list[list], header: list[str] | None = None) -> io.BytesIO:
    return io.BytesIO(workbook_bytes(rows, header))


BAD_ROW = ["1栋", 6, "1", "109", 1, "89.555", "登记", "已登记", "孙八", "19900000006", "", ""]
