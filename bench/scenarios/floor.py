"""The floors every other row is divided by: the framework's minimal request and /healthz."""

from bench.scenarios import GONGZHI, Scenario, call, register

MINIMAL = "GET /bench/minimal"
HEALTHZ = "GET /healthz"


def minimal(client, ctx, state) -> None:
    call(client, "GET", "/bench/minimal", MINIMAL, contains="ok")


def healthz(client, ctx, state) -> None:
    call(client, "GET", "/healthz", HEALTHZ, contains="ok")


register(
    Scenario(
        name="minimal",
        title="framework's minimal request: a view returning a constant, every middleware, "
        "no database, no session (served only with GONGZHI_BENCH=1)",
        target=GONGZHI,
        steps=((1, minimal),),
        needs=frozenset(),
    )
)
register(
    Scenario(
        name="healthz",
        title="/healthz: the minimal request plus one `SELECT 1`",
        target=GONGZHI,
        steps=((1, healthz),),
        needs=frozenset(),
    )
)
