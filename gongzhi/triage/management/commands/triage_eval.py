"""Train the category model on one CSV and evaluate it on another (stable contract).

    python manage.py triage_eval --train TRAIN.csv --test TEST.csv [--json]

With --json prints exactly one JSON object: n_train, n_test, accuracy, macro_f1, train_seconds,
predict_seconds_per_1000.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from gongzhi.triage.csvio import CsvFormatError, LabelledRow, read_rows
from gongzhi.triage.evaluation import TrainingSetError, evaluate


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
        raise CommandError(f"{role} {path}：{exc}") from exc


class Command(BaseCommand):
    help = "用一个 CSV（id,title,text,label）训练分类模型，在另一个 CSV 上评估准确率和宏平均 F1。"

    def add_arguments(self, parser):
        parser.add_argument("--train", required=True, help="训练集 CSV")
        parser.add_argument("--test", required=True, help="测试集 CSV")
        parser.add_argument("--json", action="store_true", help="只输出一个 JSON 对象")

    def handle(self, *args, **options):
        train = _read("训练集", options["train"])
        test = _read("测试集", options["test"])
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
