"""Train the category model on one CSV and evaluate it on another (stable contract).

    python manage.py triage_eval --train TRAIN.csv --test TEST.csv [--json]

With --json prints exactly one JSON object: n_train, n_test, accuracy, macro_f1, train_seconds,
predict_seconds_per_1000. Inputs that make the numbers mislead (test labels the training set
never shows, rows without usable text, over-long or non-Chinese texts) are still evaluated, with
a warning in Chinese on stderr, so stdout stays that one object.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongzhi.triage import text as textmod
from gongzhi.triage.csvio import REQUIRED_COLUMNS, CsvFormatError, LabelledRow, decode, read_rows
from gongzhi.triage.evaluation import TrainingSetError, check_training_set, evaluate
from gongzhi.triage.suggestion import MIN_CJK_CHARS

# How many ids a warning names before "等".
SHOWN_IDS = 5


def _read(role: str, path: str) -> list[LabelledRow]:
    """The rows of one CSV; any problem is a CommandError naming the file (no traceback)."""
    try:
        return read_rows(path)
    except FileNotFoundError as exc:
        raise CommandError(f"{role} {path}：找不到该文件。") from exc
    except IsADirectoryError as exc:
        raise CommandError(f"{role} {path}：这是一个文件夹，请给出 CSV 文件的路径。") from exc
    except PermissionError as exc:
        raise CommandError(f"{role} {path}：没有读取该文件的权限。") from exc
    except OSError as exc:
        raise CommandError(f"{role} {path}：无法读取文件（{exc.strerror or exc}）。") from exc
    except CsvFormatError as exc:
        problem = _separator_problem(path) or str(exc)
        raise CommandError(f"{role} {path}：{problem}") from exc


# Separators a spreadsheet uses instead of the comma (a European Excel writes ";").
OTHER_SEPARATORS = ((";", "分号（;）"), ("\t", "制表符（Tab）"), ("|", "竖线（|）"))


def _separator_problem(path: str) -> str | None:
    """Why the columns were not found when the header names them all, split by another
    separator: "缺少必需的列 id、title、text、label" would send the user to rename them."""
    try:
        lines = decode(Path(path).read_bytes()).splitlines()
    except (OSError, CsvFormatError):
        return None
    if not lines or "," in lines[0]:
        return None
    for separator, name in OTHER_SEPARATORS:
        names = [column.strip().lower() for column in lines[0].split(separator)]
        if all(column in names for column in REQUIRED_COLUMNS):
            return (
                f"各列之间用的是{name}，不是逗号。请另存为逗号分隔的 CSV"
                "（Excel：另存为“CSV UTF-8（逗号分隔）”）后重试。"
            )
    return None


def _ids(rows: Sequence[LabelledRow]) -> str:
    """'id：a、b、第 7 行等': the first few rows by id, by line where the id is empty."""
    shown = [r.id or f"第 {r.line} 行" for r in rows[:SHOWN_IDS]]
    return "id：" + "、".join(shown) + ("等" if len(rows) > SHOWN_IDS else "")


def _has_usable_text(row: LabelledRow) -> bool:
    """False when nothing is left after cleaning: only emoji, symbols, punctuation or spaces."""
    raw = unicodedata.normalize("NFKC", f"{row.title}{row.text}")
    return any(ch.isalnum() for ch in raw)


def text_warnings(role: str, path: str, rows: Sequence[LabelledRow]) -> list[str]:
    """Rows the model cannot read as production would: same rules as `triage.suggest`."""
    empty = [r for r in rows if not _has_usable_text(r)]
    foreign = [
        r
        for r in rows
        if _has_usable_text(r)
        and textmod.cjk_count(f"{r.title}\n{r.text}", distinct=True) < MIN_CJK_CHARS
    ]
    long = [r for r in rows if len(r.text) > textmod.MAX_CHARS]
    found = []
    if empty:
        found.append(
            f"{role} {path}：有 {len(empty)} 条留言没有可用的文字（为空，或只有表情、符号）："
            f"{_ids(empty)}。线上对这样的留言不给分类建议；这里仍计入评估，模型的猜测多半算错。"
        )
    if foreign:
        found.append(
            f"{role} {path}：有 {len(foreign)} 条留言不是中文或中文太少"
            f"（不足 {MIN_CJK_CHARS} 个不同的汉字）：{_ids(foreign)}。"
            "线上对这样的留言不给分类建议；这里仍计入评估。"
        )
    if long:
        found.append(
            f"{role} {path}：有 {len(long)} 条留言的 text 超过 {textmod.MAX_CHARS} 字："
            f"{_ids(long)}。与线上一致，模型只分析每条的前 {textmod.MAX_CHARS} 字。"
        )
    return found


def duplicate_id_warning(role: str, path: str, rows: Sequence[LabelledRow]) -> str | None:
    """Ids given to more than one row: a row pasted twice counts twice (or a test row is also
    scored under another's id), and per-id results cannot be traced back."""
    counts = Counter(r.id for r in rows if r.id)
    repeated = [(id_, n) for id_, n in counts.items() if n > 1]
    if not repeated:
        return None
    listed = "、".join(f"{id_}（{n} 次）" for id_, n in repeated[:SHOWN_IDS])
    more = "等" if len(repeated) > SHOWN_IDS else ""
    return (
        f"{role} {path}：有 {len(repeated)} 个 id 重复出现：{listed}{more}。"
        "重复的行照常计入，请确认是否重复粘贴了同一条留言。"
    )


def unseen_label_warning(path: str, train: Sequence[LabelledRow], test: Sequence[LabelledRow]):
    """Test labels the training set never shows: the model cannot predict them at all."""
    known = {r.label for r in train}
    unseen = Counter(r.label for r in test if r.label not in known)
    if not unseen:
        return None
    listed = "、".join(f"{label}（{n} 条）" for label, n in sorted(unseen.items()))
    return (
        f"测试集 {path}：有 {len(unseen)} 个类别在训练集中没有出现：{listed}。"
        f"模型不会预测这些类别，这 {sum(unseen.values())} 条必然算错，"
        "准确率和宏平均 F1 会因此偏低。"
    )


class Command(BaseCommand):
    help = "用一个 CSV（id,title,text,label）训练分类模型，在另一个 CSV 上评估准确率和宏平均 F1。"

    def add_arguments(self, parser):
        parser.add_argument("--train", required=True, help="训练集 CSV")
        parser.add_argument("--test", required=True, help="测试集 CSV")
        parser.add_argument("--json", action="store_true", help="只输出一个 JSON 对象")

    def handle(self, *args, **options):
        train = _read("训练集", options["train"])
        try:  # a training set that cannot train is refused before anything is said of the test set
            check_training_set(train)
        except TrainingSetError as exc:
            raise CommandError(f"训练集 {options['train']}：{exc}") from exc
        test = _read("测试集", options["test"])
        warnings = [
            duplicate_id_warning("训练集", options["train"], train),
            duplicate_id_warning("测试集", options["test"], test),
            *text_warnings("训练集", options["train"], train),
            *text_warnings("测试集", options["test"], test),
            unseen_label_warning(options["test"], train, test),
        ]
        for warning in filter(None, warnings):
            # stderr only: with --json, stdout must stay exactly one JSON object.
            self.stderr.write(f"警告：{warning}", style_func=self._warning_style())
        try:
            result = evaluate(train, test)
        except TrainingSetError as exc:
            raise CommandError(f"训练集 {options['train']}：{exc}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.summary(), ensure_ascii=False))
            return
        s = result.summary()
        self.stdout.write(
            f"训练 {s['n_train']} 条，测试 {s['n_test']} 条\n"
            f"准确率 {s['accuracy']:.4f}，宏平均 F1 {s['macro_f1']:.4f}\n"
            f"训练耗时 {s['train_seconds']:.2f} 秒，"
            f"每 1000 条预测耗时 {s['predict_seconds_per_1000']:.3f} 秒\n"
            "各类别 F1："
        )
        for label, f1, support in result.per_class:
            self.stdout.write(f"  {label}: {f1:.4f}（测试 {support} 条）")
        if result.predicted_only:
            listed = "、".join(f"{label}（预测 {n} 条）" for label, _, n in result.predicted_only)
            self.stdout.write(
                f"测试集中没有、只出现在预测中的类别：{listed}。"
                "这些预测都算错，宏平均 F1 把它们按 0 计入。"
            )

    def _warning_style(self):
        return self.style.WARNING if self.stderr.isatty() else None
