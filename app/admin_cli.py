"""Headless administration: ``gasdesk admin ...`` (no Qt)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.bootstrap import build_context
from app.config import LocalConfig, load_config
from app.errors import GasDeskError, InvalidInput, NotFound, RuleViolation
from app.terminal import read_password


def add_admin_parser(subparsers: argparse._SubParsersAction) -> None:
    admin = subparsers.add_parser("admin", help="administration tasks (no window)")
    tasks = admin.add_subparsers(dest="task", required=True)
    db = tasks.add_parser("db", help="database schema")
    db_tasks = db.add_subparsers(dest="db_task", required=True)
    db_tasks.add_parser("upgrade", help="apply all migrations")
    db_tasks.add_parser("current", help="print the schema revision")
    demo = tasks.add_parser("demo", help="create the demo hall and customers")
    demo.add_argument("--customers", type=int, default=300)
    backup = tasks.add_parser("backup", help="online backup of the embedded database")
    backup.add_argument("--to", type=Path, help="backup directory (default: configured)")
    backup.add_argument("--keep", type=int, help="how many backups to keep (default: configured)")
    backups = tasks.add_parser("backups", help="list the backups, newest first")
    backups.add_argument("--dir", type=Path, help="backup directory (default: configured)")
    restore = tasks.add_parser("restore", help="check a backup and restore it (app stopped)")
    restore.add_argument("file", type=Path, help="the backup file")
    restore.add_argument(
        "--force",
        action="store_true",
        help="restore even if the check fails, there is no audit key, or the backup is from "
        "another hall",
    )
    tasks.add_parser(
        "doctor",
        help="check the database, key files, card reader, printer and font (exit 1 on a failure)",
    )
    makers = tasks.add_parser("makers", help="the hall's card makers (2012 common interface)")
    maker_tasks = makers.add_subparsers(dest="maker_task", required=True)
    maker_tasks.add_parser("show", help="print the hall's makers as JSON, in detection order")
    load = maker_tasks.add_parser(
        "load", help="replace the hall's makers by a JSON list (an administrator's password)"
    )
    load.add_argument("file", type=Path, help="JSON list of maker entries (docs/card-drivers.md)")
    load.add_argument("--user", required=True, help="an administrator's user name")
    load_data = tasks.add_parser(
        "import",
        help="go-live import from an old system: customers, accounts, meters, cards, usage, "
        "balances and bills (docs/import.md)",
    )
    load_data.add_argument(
        "files", type=Path, nargs="*", help="a directory, CSV files or one XLSX workbook"
    )
    load_data.add_argument("--mapping", type=Path, help="TOML mapping of an old system's names")
    load_data.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
    load_data.add_argument("--report", type=Path, help="write the problems to this XLSX file")
    load_data.add_argument(
        "--skip-bad-rows", action="store_true", help="import the rest when rows have errors"
    )
    load_data.add_argument("--hall", help="the hall's code (when the database holds several)")
    load_data.add_argument("--rollback", metavar="BATCH_NO", help="roll back an import batch")
    load_data.add_argument("--list", action="store_true", help="list the import batches")
    load_data.add_argument("--user", required=True, help="an administrator's user name")
    export = tasks.add_parser(
        "export",
        help="write the hall's data in the go-live import's format (holds personal data; "
        "an administrator's password)",
    )
    export.add_argument("--to", type=Path, required=True, help="directory for the files")
    export.add_argument("--xlsx", action="store_true", help="one workbook instead of CSV files")
    export.add_argument(
        "--encoding",
        choices=("utf-8-sig", "gb18030"),
        default="utf-8-sig",
        help="encoding of the CSV files (default utf-8-sig)",
    )
    export.add_argument("--user", required=True, help="an administrator's user name")
    audit = tasks.add_parser("audit", help="the tamper-evident audit log")
    audit_tasks = audit.add_subparsers(dest="audit_task", required=True)
    verify = audit_tasks.add_parser("verify", help="recompute the chain and compare money rows")
    verify.add_argument("--expect-count", type=int, help="entry count printed on a Z-report")
    verify.add_argument("--expect-mac", help="chain head mac (prefix) printed on a Z-report")


def run_admin(args: argparse.Namespace) -> int:
    """Run one admin task. A fault of the machine or the configuration is one Chinese line on
    stderr and exit code 2, never a traceback."""
    config: LocalConfig | None = None
    try:
        config = load_config(training=args.training, demo=getattr(args, "demo", False))
        return _run_task(config, args)
    except Exception as error:
        from app.bootstrap import system_fault

        fault = system_fault(error, config) if config is not None else None
        if fault is None and isinstance(error, GasDeskError):
            fault = error
        if fault is None:
            raise
        print(f"错误：{fault.user_message} ({fault})", file=sys.stderr)
        for problem in fault.details.get("problems", ()):  # type: ignore[attr-defined]
            print(f"  - {problem}", file=sys.stderr)
        return 2


def _run_task(config: LocalConfig, args: argparse.Namespace) -> int:
    if args.task == "db":
        from db import migrate

        ctx = build_context(config, upgrade=args.db_task == "upgrade")
        print(f"schema revision: {migrate.current_revision(ctx.db)}")
        return 0
    if args.task == "demo":
        from app.demo import create_demo_hall

        ctx = build_context(config)
        hall = create_demo_hall(ctx, customers=args.customers)
        print(f"demo hall ready: {hall.accounts} accounts, users {', '.join(hall.users)}")
        return 0
    if args.task == "backup":
        return _backup(config, args)
    if args.task == "backups":
        return _list_backups(config, args)
    if args.task == "restore":
        return _restore(config, args)
    if args.task == "audit":
        return _audit_verify(config, args)
    if args.task == "doctor":
        return _doctor(config)
    if args.task == "makers":
        return _makers(config, args)
    if args.task == "import":
        from app.import_cli import run_import_task

        return run_import_task(build_context(config), args)
    if args.task == "export":
        return _export(config, args)
    return 1


def _export(config: LocalConfig, args: argparse.Namespace) -> int:
    """Export the hall (``app.services.export``) with a progress bar on stderr; prints each
    file and its rows. Ctrl-C stops it and leaves no file."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from app.services.export import export_hall
    from app.services.inspections import ImportProgress
    from app.services.security import AdminActor, login

    ctx = build_context(config)
    user = login(ctx, args.user, read_password(args.user))

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),  # stdout is the list of files, for scripts
        transient=True,
    ) as bar:
        task = bar.add_task("导出", total=None)

        class Shown(ImportProgress):
            def report(self, done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

        try:
            result = export_hall(
                ctx,
                AdminActor(user.user_id),
                args.to,
                xlsx=args.xlsx,
                encoding=args.encoding,
                progress=Shown(),
            )
        except KeyboardInterrupt:
            print("已取消导出，未留下任何文件 (export cancelled, no file left)", file=sys.stderr)
            return 130
    for exported in result.files:
        sheet = f" [{exported.name}]" if args.xlsx else ""
        print(f"{exported.path}{sheet}: {exported.rows} rows")
    print("注意：导出文件含客户个人信息，请妥善保管 (the files hold personal data)")
    return 0


def _makers(config: LocalConfig, args: argparse.Namespace) -> int:
    """Show the hall's card makers, or replace them from a JSON file: each entry is checked
    as a counter checks it (``maker_from``) before anything is saved; the administrator's
    password is read from the terminal (or the first line of stdin)."""
    import json

    from app.devices.makers.config import maker_from
    from app.services.administration import card_makers, change_card_makers
    from app.services.security import AdminActor, login

    ctx = build_context(config)
    if args.maker_task == "show":
        shown = [
            {**entry, "key_seed": "***"} if entry.get("key_seed") else dict(entry)
            for entry in card_makers(ctx)
        ]
        print(json.dumps(shown, ensure_ascii=False, indent=2))
        return 0
    try:
        entries = json.loads(args.file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InvalidInput(f"无法读取厂家配置文件：{args.file}", str(error)) from error
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InvalidInput("厂家配置文件应为 JSON 列表，每项一个厂家", f"{args.file}: not a list")
    for entry in entries:
        maker_from(entry)  # a bad entry: its Chinese message, nothing saved
    user = login(ctx, args.user, read_password(args.user))
    saved = change_card_makers(ctx, AdminActor(user.user_id), tuple(entries))
    print(f"card makers saved: {', '.join(saved) or '(none)'}")
    return 0


def _doctor(config: LocalConfig) -> int:
    """One line per check; 0 when every check passed, 1 otherwise."""
    from app.doctor import report_line, run_checks

    print(f"GasDesk 自检 (doctor): {config.mode.label}, data dir {config.data_dir}", flush=True)
    report = run_checks(
        config, on_result=lambda check, result: print(report_line(check, result), flush=True)
    )
    if report.ok:
        print("全部正常 (all checks passed)")
        return 0
    print(f"{report.failures} 项未通过 ({report.failures} checks failed)")
    return 1


def _embedded_file(config: LocalConfig) -> Path:
    from sqlalchemy.engine import make_url

    from app.services.backup import PG_DUMP_HINT

    if not config.is_embedded:
        raise RuleViolation(PG_DUMP_HINT, "backup/restore commands are for embedded SQLite only")
    return Path(make_url(config.db_url).database or "")


def _backup(config: LocalConfig, args: argparse.Namespace) -> int:
    from app.services.backup import backup_settings, take_backup
    from db.engine import open_database

    settings = backup_settings(config)
    if config.is_embedded and not _embedded_file(config).is_file():
        raise NotFound("数据库文件不存在", f"{_embedded_file(config)} not found")
    db = open_database(config.db_url)  # as it is: no migrations before a backup
    try:
        path = take_backup(
            db,
            args.to or settings.directory,
            reason="manual",
            keep=args.keep if args.keep is not None else settings.keep,
        )
    finally:
        db.dispose()
    print(path)
    return 0


def _list_backups(config: LocalConfig, args: argparse.Namespace) -> int:
    from app.services.backup import backup_settings, list_backups

    directory = args.dir or backup_settings(config).directory
    found = list_backups(directory)
    if not found:
        print(f"no backups in {directory}")
        return 0
    for backup in found:
        taken = backup.taken_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        print(f"{taken}  {_size(backup.size):>10}  {backup.reason:<12}  {backup.path}")
    return 0


def _size(size: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


def _restore(config: LocalConfig, args: argparse.Namespace) -> int:
    from app.auditkey import audit_key_path, load_audit_key, missing_key_error
    from app.services.backup import check_backup, hall_identity, restore_backup

    target = _embedded_file(config)
    key = None
    if audit_key_path(config).exists():
        key = load_audit_key(config)
    elif not args.force:
        # restored without its key, the backup's audit log could never be verified again
        raise missing_key_error(
            audit_key_path(config),
            "恢复的备份需要营业厅的审计密钥（或加 --force）",
            "a restored backup needs the hall's key (or --force)",
        )
    else:
        print("警告：未找到审计密钥，不校验审计日志 (--force: no audit key, log not verified)")
    expected = hall_identity(target) if target.is_file() else None
    check = check_backup(args.file, key, expect_hall=expected)
    for note in check.notes:
        print(f"注意：{note}")
    if not check.ok and args.force:
        for problem in check.problems:
            print(f"警告：{problem}")
        print("--force: restoring although the check failed")
    kept = restore_backup(args.file, target, key, force=args.force, check=check)
    entries = "" if check.audit_entries is None else f", audit log {check.audit_entries} entries"
    print(f"restored {args.file} into {target} (schema {check.revision}{entries})")
    print(f"previous database kept as {kept}" if kept else "there was no previous database")
    return 0


def _audit_verify(config: LocalConfig, args: argparse.Namespace) -> int:
    from app.auditkey import audit_key_path, load_audit_key, missing_key_error
    from app.services import audit
    from db import migrate

    if not audit_key_path(config).exists():
        raise missing_key_error(
            audit_key_path(config), "校验审计日志需要该密钥", "verifying needs the key"
        )
    key = load_audit_key(config)
    if config.is_embedded and not _embedded_file(config).is_file():
        raise NotFound("数据库文件不存在", f"{_embedded_file(config)} not found")
    if args.expect_mac and args.expect_count is None:
        raise InvalidInput("--expect-mac 需要同时给出 --expect-count", "--expect-mac without count")
    ctx = build_context(config, upgrade=False)  # verifying changes nothing, not even the schema
    try:
        revision = migrate.current_revision(ctx.db)
        if revision != migrate.head_revision():
            raise RuleViolation(
                "数据库结构不是最新版本，请先运行 gasdesk admin db upgrade",
                f"schema revision {revision}, expected {migrate.head_revision()}",
            )
        report = audit.verify(
            ctx.db, key, expect_count=args.expect_count, expect_mac=args.expect_mac
        )
    finally:
        ctx.db.dispose()
    if report.ok:
        head = report.head
        seq, mac = (head.count, head.short) if head else (0, "")
        print(f"audit log OK: {report.entries} entries, head {seq} {mac}")
        return 0
    for problem in report.problems:
        print(problem)
    first = report.first_broken if report.first_broken is not None else "-"
    print(f"first broken entry: {first}")
    return 1
