"""Retrain the AI grid worker from the seed corpus plus the cases staff have assessed (G3).

The new model is saved by the triage library under a version derived from its training data,
and becomes the one new filings use (a pointer file next to the models); the shipped default
stays untouched, so deleting the pointer file goes back to it.

Refused, with nothing written, when there is nothing new to learn (no confirmed case) or when a
category would be learned from fewer than MIN_EXAMPLES messages (a category the seed corpus
lacks, confirmed only once or twice): such a class would be guessed from noise.
"""

from __future__ import annotations

import json
import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from gongzhi.cases import triage_link
from gongzhi.cases.choices import Category, Urgency, source_labels
from gongzhi.cases.models import Case
from gongzhi.cases.workflow import Status

# Cases urgency → the triage library's levels.
TRIAGE_URGENCY = {Urgency.CRITICAL: "emergency", Urgency.URGENT: "urgent", Urgency.NORMAL: "normal"}
# Fewest messages (seed corpus + confirmed cases) a category must have to be learned.
MIN_EXAMPLES = 3


def confirmed_rows() -> list[tuple[str, str, str, str]]:
    """(title, text, category label, urgency) of cases whose category a person set at 研判."""
    labels = source_labels(Category)  # the model learns the Chinese labels
    rows = (
        Case.objects.exclude(category="")
        .exclude(assessed_at__isnull=True)
        .exclude(status=Status.MERGED)  # a repeat copies its original's category
        .order_by("pk")
        .values_list("title", "content", "category", "urgency")
    )
    return [
        (title, content, labels[category], TRIAGE_URGENCY.get(urgency, "normal"))
        for title, content, category, urgency in rows
    ]


class Command(BaseCommand):
    help = "用种子语料和已研判诉求重新训练 AI网格员分类模型，并设为新受理诉求使用的模型。"

    def handle(self, *args, **options):
        from gongzhi.triage import default
        from gongzhi.triage import model as modelmod
        from gongzhi.triage.csvio import read_rows

        seed = read_rows(default.seed_bytes())
        cases = confirmed_rows()
        if not cases:
            raise CommandError(
                "还没有已确认分类的诉求（研判时由工作人员选定类别），重新训练学不到新内容，"
                "未生成新模型；新受理的诉求继续使用当前模型。"
            )
        per_label = Counter(r.label for r in seed) + Counter(c[2] for c in cases)
        too_few = sorted(label for label, n in per_label.items() if n < MIN_EXAMPLES)
        if too_few:
            listed = "、".join(f"{label}（{per_label[label]} 条）" for label in too_few)
            raise CommandError(
                f"以下类别的训练样本不足 {MIN_EXAMPLES} 条（种子语料加已确认诉求）：{listed}。"
                "种子语料里没有（或很少有）这些类别，只凭这几条无法学习。未生成新模型，"
                "新受理的诉求继续使用当前模型；请在研判中确认更多这些类别的诉求后再重新训练。"
            )
        titles = [r.title for r in seed] + [c[0] for c in cases]
        texts = [r.text for r in seed] + [c[1] for c in cases]
        labels = [r.label for r in seed] + [c[2] for c in cases]
        seed_urgency = [r.extra.get("urgency", "").strip() for r in seed]
        urgencies = seed_urgency + [c[3] for c in cases] if all(seed_urgency) else None
        # The version names exactly what was learned: the seed corpus plus these cases.
        data = default.seed_bytes() + json.dumps(cases, ensure_ascii=False).encode("utf-8")
        version = modelmod.version_for(data)
        started = time.perf_counter()
        trained = modelmod.train(titles, texts, labels, urgencies, version)
        target = modelmod.model_path(version)
        pointer = triage_link.current_model_pointer()
        try:
            path = modelmod.save(trained, target)
            pointer.parent.mkdir(parents=True, exist_ok=True)
            previous = pointer.read_text(encoding="utf-8").strip() if pointer.exists() else ""
            tmp = pointer.with_name(f".{pointer.name}.tmp")
            tmp.write_text(version, encoding="utf-8")
            tmp.replace(pointer)  # readers never see half a version name
        except OSError as exc:
            raise CommandError(
                f"无法写入模型目录 {target.parent}（{exc.strerror or exc}）。"
                "请确认该目录（环境变量 GONGZHI_TRIAGE_DIR）存在且运行本命令的用户可以写入。"
                "新模型未启用，新受理的诉求继续使用当前模型。"
            ) from exc
        # Keep the new model, the one just replaced (a process may be about to load it) and
        # the shipped default; older retrained models are never read again.
        modelmod.prune({version, previous, default.default_version()}, path.parent)
        confirmed = Counter(c[2] for c in cases)
        by_category = "、".join(f"{label} {n} 条" for label, n in confirmed.most_common())
        self.stdout.write(
            f"种子语料 {len(seed)} 条，已确认诉求 {len(cases)} 条，共 {len(labels)} 条。\n"
            f"已确认诉求按类别：{by_category}。\n"
            f"新模型版本 {version}（训练 {time.perf_counter() - started:.1f} 秒）：{path}\n"
            "新受理的诉求将使用该模型给出建议。"
        )
