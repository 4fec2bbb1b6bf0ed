"""Headless administration: ``gasdesk admin ...`` (no Qt)."""

from __future__ import annotations

import argparse
import sys

from app.bootstrap import build_context
from app.config import load_config
from app.errors import GasDeskError


def add_admin_parser(subparsers: argparse._SubParsersAction) -> None:
    admin = subparsers.add_parser("admin", help="administration tasks (no window)")
    tasks = admin.add_subparsers(dest="task", required=True)
    db = tasks.add_parser("db", help="database schema")
    db_tasks = db.add_subparsers(dest="db_task", required=True)
    db_tasks.add_parser("upgrade", help="apply all migrations")
    db_tasks.add_parser("current", help="print the schema revision")
    demo = tasks.add_parser("demo", help="create the demo hall and customers")
    demo.add_argument("--customers", type=int, default=300)


def run_admin(args: argparse.Namespace) -> int:
    config = load_config(training=args.training)
    try:
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
    except GasDeskError as error:
        print(f"错误：{error.user_message} ({error})", file=sys.stderr)
        return 2
    return 1
