"""Build the default triage model from the seed corpus (`make setup` runs this; idempotent)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand

from gongzhi.triage import default, model


class Command(BaseCommand):
    help = "用种子语料训练默认分类模型，保存到 GONGZHI_TRIAGE_DIR（默认 var/triage/）。"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="即使模型文件已存在也重新训练")
        parser.add_argument(
            "--dir", type=Path, help="模型目录（默认 GONGZHI_TRIAGE_DIR 或 var/triage）"
        )

    def handle(self, *args, **options):
        directory = options["dir"] or model.model_dir()
        version = default.default_version()
        path = model.model_path(version, directory)
        if path.exists() and not options["force"]:
            self.stdout.write(f"模型已存在，未重新训练：{path}")
            return
        started = time.perf_counter()
        default.build(directory, force=True)
        self.stdout.write(f"已训练模型 {version}（{time.perf_counter() - started:.1f} 秒）：{path}")
