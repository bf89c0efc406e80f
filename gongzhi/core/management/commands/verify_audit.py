from django.core.management.base import BaseCommand, CommandError

from gongzhi.core.audit import verify_chain
from gongzhi.core.command_checks import require_migrated_database


class Command(BaseCommand):
    help = "校验审计日志哈希链的完整性 (verify the audit log's hash chain)"

    def handle(self, *args: object, **options: object) -> None:
        require_migrated_database()
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"审计链校验失败：第 {report.first_bad_seq} 条，{report.problem}"
                f"（已校验 {report.checked} 条）"
            )
        self.stdout.write(f"审计链完整：{report.checked} 条记录，链头 {report.head_hash}")
