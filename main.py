"""GasDesk entry point and composition root: configuration → context → window or admin task;
the counter's devices come from ``app.counter.compose``."""

from __future__ import annotations

import argparse
import logging
import os
import sys

log = logging.getLogger("gasdesk")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="gasdesk",
        description="GasDesk 燃气营业厅柜台系统",
        epilog="administration: gasdesk admin --help",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="演示模式: emulated devices, marked 演示; demo data if the hall is empty",
    )
    parser.add_argument("--training", action="store_true", help="培训模式: separate database")
    parser.add_argument("--lang", default="zh_CN", choices=("zh_CN", "en"))
    parser.add_argument("--quit-after", type=float, help=argparse.SUPPRESS)  # smoke tests
    subparsers = parser.add_subparsers(dest="command")
    argv = sys.argv[1:] if argv is None else argv
    if "admin" in argv:  # the admin commands (and their imports) only when asked for
        from app.admin_cli import add_admin_parser

        add_admin_parser(subparsers)
    return parser.parse_args(argv)


def prepare_context(config, args):  # type: ignore[no-untyped-def]
    """Open (and migrate) the database; seed the demo hall in demo mode (a fresh, unconfigured
    machine, or ``--demo``) and in training mode when the hall is empty.

    Runs on a worker thread while the login window is already showing."""
    from app.bootstrap import build_context, system_fault

    try:
        return _prepare(config, args, build_context(config))
    except Exception as error:  # the worker hands it to the window: typed, in Chinese
        fault = system_fault(error, config)
        if fault is None or fault is error:
            raise
        raise fault from error


def _prepare(config, args, ctx):  # type: ignore[no-untyped-def]
    from app.services.setup import hall_is_empty

    # config.demo: nothing configured on this machine (or --demo): app.config.load_config
    if hall_is_empty(ctx) and (config.demo or args.training):
        from app.demo import HALL_CODE, create_demo_hall

        log.info("empty hall: creating demo data")
        create_demo_hall(ctx)
        config.hall_code = HALL_CODE
    return ctx


def compose_devices(config, ctx):  # type: ignore[no-untyped-def]
    """The counter's devices from configuration and the hall's card makers (after a login, on
    a worker; imported then, so the login window shows fast: bench metric ``startup_ratio``)."""
    from app.counter.compose import devices_for_hall

    return devices_for_hall(config, ctx)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--maker-host"]:  # the bundle's own makers' DLL host (docs/card-drivers.md)
        from app.devices.makers import host

        return host.main(argv[1:])
    args = parse_args(argv)
    if args.command == "admin":
        from app.admin_cli import run_admin

        return run_admin(args)

    from app.config import load_config
    from app.errors import GasDeskError
    from app.logging_setup import setup_logging

    headless = sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
    if headless:  # before any window, even the message box of a failed start
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        config = load_config(training=args.training, demo=args.demo)
        setup_logging(config.data_dir)
    except GasDeskError as error:  # no log file yet: stderr and a message box
        from ui.app import show_startup_fault

        return show_startup_fault(error, quit_after=args.quit_after)
    for warning in config.warnings:  # unknown keys of config.toml, now into the log file too
        log.warning("%s", warning)
    if headless:
        log.warning(
            "no display found: running with QT_QPA_PLATFORM=%s", os.environ["QT_QPA_PLATFORM"]
        )
    from ui.app import run_gui

    return run_gui(
        lambda: prepare_context(config, args),
        config,
        compose_devices,  # the counter's devices, real or training, composed after login
        lang=args.lang,
        quit_after=args.quit_after,
    )


if __name__ == "__main__":
    sys.exit(main())
