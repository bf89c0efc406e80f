import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from gongzhi.org import demo
from gongzhi.org.demo_data import PASSWORD, STREET_CODE

DEMO_CASES = 600


class Command(BaseCommand):
    help = (
        "载入演示街道（武昌区南湖街道）：社区、小区、楼栋、房屋、业主、三方组织、网格与"
        "演示账号。可重复运行：已载入时不做任何更改。"
    )

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        result = demo.seed()
        seconds = time.monotonic() - started
        if result.created:
            self.stdout.write(self.style.SUCCESS(f"演示街道已载入（{seconds:.1f} 秒）。"))
            # The street's routing rules, then some history of resident demands (by command
            # name, so that org does not import cases).
            call_command("seed_routing", stdout=self.stdout)
            # Every pass on the demo street only: the database may hold real streets too.
            call_command(
                "seed_scale",
                cases=DEMO_CASES,
                days=120,
                seed=2026,
                street=STREET_CODE,
                stdout=self.stdout,
            )
            # seed_scale writes no actors (speed, for benchmarks); the demo names its staff.
            call_command("seed_history_actors", street=STREET_CODE, stdout=self.stdout)
            call_command("seed_live", stdout=self.stdout)  # a few in flight for the demo accounts
            # The AI grid worker's advice on the last month's cases, and 研判's decisions on it.
            call_command("seed_ai", street=STREET_CODE, stdout=self.stdout)
        else:
            self.stdout.write("演示街道已存在，未做任何更改。")
        self.stdout.write(f"\n演示账号（密码均为 {PASSWORD}）：")
        for account in result.accounts:
            self.stdout.write(f"  {account.username:<14} {account.role} · {account.scope}")
