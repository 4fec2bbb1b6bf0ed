"""``gasdesk admin import``: the go-live import in a terminal, with a progress bar (rows/s, ETA).

The dry run always comes first: its problems are printed (the first of them) and written to an
XLSX report when asked; the real run starts only when it found no errors or the rows with
errors are skipped explicitly (``--skip-bad-rows``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from app.context import Context
from app.services.imports import (
    ImportOutcome,
    ImportPlan,
    dry_run,
    list_batches,
    rollback_import,
    run_import,
    write_plan_report,
)
from app.services.inspections import ImportProgress
from app.services.security import AdminActor, login
from app.terminal import read_password

SHOWN_PROBLEMS = 30  # the terminal shows the first ones; the report holds them all


class _Rate(ProgressColumn):
    """Rows (or accounts) per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if not speed else f"{speed:,.0f}/s", style="progress.data.speed")


class TerminalProgress(ImportProgress):
    """An import's progress as a rich bar of one task."""

    def __init__(self, progress: Progress, description: str) -> None:
        self.progress = progress
        self.task = progress.add_task(description, total=None)

    def report(self, done: int, total: int) -> None:
        self.progress.update(self.task, completed=done, total=total)


@contextmanager
def _bar(console: Console, description: str) -> Iterator[TerminalProgress]:
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _Rate(),
        TimeElapsedColumn(),
        TextColumn("剩余"),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    ) as progress:
        yield TerminalProgress(progress, description)


def run_import_task(ctx: Context, args: argparse.Namespace) -> int:
    """One ``admin import`` task: list, roll back, dry run, or dry run then import."""
    console = Console(stderr=False, highlight=False)
    user = login(ctx, args.user, read_password(args.user))
    admin = AdminActor(user.user_id)
    if args.list:
        for batch in list_batches(ctx, admin):
            reverses = f" (回退 {batch.reverses})" if batch.reverses else ""
            console.print(
                f"{batch.batch_no}  {batch.kind.label}  {batch.status.label}  "
                f"{batch.accounts_done}/{batch.accounts_total}户  "
                f"{ctx.local(batch.started_at):%Y-%m-%d %H:%M}{reverses}"
            )
        return 0
    if args.rollback:
        with _bar(console, "回退") as bar:
            outcome = rollback_import(ctx, admin, args.rollback, progress=bar)
        console.print(
            f"已回退 {args.rollback}：{outcome.already} 户（回退批次 {outcome.batch.batch_no}）"
        )
        return 0
    if not args.files:
        console.print("请给出要导入的文件或目录")
        return 2
    with _bar(console, "检查") as bar:
        plan = dry_run(ctx, admin, args.files, args.mapping, progress=bar)
    _print_plan(console, plan)
    if args.report:
        write_plan_report(plan, args.report)
        console.print(f"问题清单已写入 {args.report}")
    if args.dry_run:
        console.print("试导入（--dry-run）：未写入任何数据")
        return 1 if plan.errors else 0
    if plan.errors and not args.skip_bad_rows:
        console.print(
            f"发现{len(plan.errors)}个错误，未导入。请修正文件，或加 --skip-bad-rows 跳过有错误的行"
        )
        return 1
    with _bar(console, "导入") as bar:
        outcome = run_import(
            ctx, admin, plan, skip_bad_rows=args.skip_bad_rows, hall_code=args.hall, progress=bar
        )
    _print_outcome(console, outcome)
    return 0


def _print_plan(console: Console, plan: ImportPlan) -> None:
    from app.services.import_files import summary_lines

    for line in summary_lines(plan.data):
        console.print(line)
    console.print(
        f"对照数据库：新户 {len(plan.new)} 户，已在系统中 {plan.already} 户；"
        f"错误 {len(plan.errors)} 个，警告 {len(plan.problems) - len(plan.errors)} 个"
    )
    for problem in plan.problems[:SHOWN_PROBLEMS]:
        where = f"第{problem.row}行" if problem.row else "整个文件"
        level = "错误" if problem.error else "警告"
        console.print(
            f"  [{level}] {problem.file} {where} {problem.column or ''} "
            f"「{problem.value}」：{problem.reason}",
            markup=False,
        )
    if len(plan.problems) > SHOWN_PROBLEMS:
        console.print(f"  …… 另有 {len(plan.problems) - SHOWN_PROBLEMS} 个问题，见 --report 报告")


def _print_outcome(console: Console, outcome: ImportOutcome) -> None:
    for note in outcome.notes:
        console.print(note)
    if outcome.batch is None or (outcome.added == 0 and not outcome.resumed):
        return
    how = "续导完成" if outcome.resumed else "导入完成"
    console.print(
        f"{how}：批次 {outcome.batch.batch_no}，本次写入 {outcome.added} 户，"
        f"共 {outcome.batch.accounts_done} 户；跳过有错误的行 {outcome.skipped_rows} 行"
    )
    sys.stdout.flush()
