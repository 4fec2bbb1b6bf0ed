"""The administrator's front door (管理): users, hall settings, the working-day calendar, the
receipt notice lines, the price list and the hall's card makers (卡片厂家), plus every user's
own password change.

``AdminDesk`` has one method per screen action, each one service call; the services refuse
anyone but the administrator (``PermissionDenied``), whatever the screens show. No Qt.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.context import Context
from app.domain.limits import ClassLimits, LimitBand
from app.domain.money import format_volume, m3
from app.errors import InvalidInput
from app.services import administration, imports, limits, security
from app.services.administration import CalendarView, Fee, SettingView, UserRow
from app.services.imports import BatchView, ImportOutcome, ImportPlan
from app.services.inspections import ImportProgress
from app.services.permissions import allowed
from app.services.security import AdminActor, LoggedIn
from app.vocabulary import CalendarDay, CustomerKind, Role

if TYPE_CHECKING:
    from app.counter.session import CounterSession


@dataclass(frozen=True)
class UserAdded:
    """A user the administrator added (they choose their own password at first login)."""

    user_id: int
    username: str


# the hall-settings keys of a maker the 卡片厂家 screen shows; any other key is kept as it was
MAKER_NUMBERS = (
    ("klx", "卡类型"),
    ("bjql", "报警气量"),
    ("czsx", "充值上限"),
    ("tzed", "透支额度"),
)


@dataclass(frozen=True)
class LimitForm:
    """One purchase-limit row as typed: the class, the band's lowest rated flow (m³/h;
    commercial only) and the limit (m³ per window)."""

    kind: str
    flow_from: str
    volume: str

    @classmethod
    def of(cls, band: LimitBand) -> LimitForm:
        flow = format_volume(band.flow_from) if band.kind == CustomerKind.COMMERCIAL else ""
        return cls(str(band.kind), flow, format_volume(band.volume))

    def band(self) -> LimitBand:
        try:
            kind = CustomerKind(self.kind)
        except ValueError:
            raise InvalidInput("客户类别无效", f"bad kind {self.kind!r}") from None
        flow = m3(self.flow_from) if self.flow_from.strip() else 0
        if not self.volume.strip():
            raise InvalidInput("请填写限购气量", "empty volume")
        return ClassLimits.from_json(
            [{"kind": str(kind), "flow_from": flow, "volume": m3(self.volume)}]
        ).bands[0]


@dataclass(frozen=True)
class MakerForm:
    """One card maker as the 卡片厂家 screen holds it: numbers and the maker's error-message
    table (``messages``: one "code=text" line each) as typed; ``extra``: the entry's keys the
    screen does not show (timeout, encoding, host_python), saved back unchanged."""

    code: str = ""
    name: str = ""
    library: str = ""
    klx: str = "1"
    dqdm: str = "9A00"
    bjql: str = "5"
    czsx: str = "500"
    tzed: str = "0"
    key_seed: str = ""
    yhh_in_write: bool = False
    price_by_ptr: bool = False
    messages: str = ""
    extra: Mapping[str, object] = field(default_factory=dict)

    @classmethod
    def of(cls, entry: Mapping[str, object]) -> MakerForm:
        """The form of a hall-settings entry."""
        shown = {f.name for f in dataclasses.fields(cls)} - {"extra"}
        raw = entry.get("messages")
        table = raw if isinstance(raw, Mapping) else {}
        return cls(
            code=str(entry.get("code", "")),
            name=str(entry.get("name", "")),
            library=str(entry.get("library", "")),
            klx=str(entry.get("klx", 1)),
            dqdm=str(entry.get("dqdm", "9A00")),
            bjql=str(entry.get("bjql", 5)),
            czsx=str(entry.get("czsx", 500)),
            tzed=str(entry.get("tzed", 0)),
            key_seed=str(entry.get("key_seed", "")),
            yhh_in_write=bool(entry.get("yhh_in_write", False)),
            price_by_ptr=bool(entry.get("price_by_ptr", False)),
            messages="\n".join(f"{code}={text}" for code, text in table.items()),
            extra={k: v for k, v in entry.items() if k not in shown},
        )

    def entry(self) -> dict[str, object]:
        """The hall-settings entry (InvalidInput with a Chinese message on a number or an error
        line that does not read; ``maker_from`` checks the rest)."""
        code = self.code.strip()
        entry: dict[str, object] = {
            **self.extra,
            "code": code,
            "name": self.name.strip() or code,
            "library": self.library.strip(),
            "dqdm": self.dqdm.strip().upper(),
            "key_seed": self.key_seed,
            "yhh_in_write": self.yhh_in_write,
            "price_by_ptr": self.price_by_ptr,
        }
        for key, what in MAKER_NUMBERS:
            text = str(getattr(self, key)).strip()
            try:
                entry[key] = int(text)
            except ValueError:
                raise InvalidInput(
                    f"厂家 {code} 的{what}必须是整数：{text!r}", f"maker {code}: {key} {text!r}"
                ) from None
        messages: dict[str, str] = {}
        for number, line in enumerate(self.messages.splitlines(), 1):
            if not line.strip():
                continue
            rc, sep, text = line.partition("=")
            try:
                value = int(rc.strip())
            except ValueError:
                value = None
            if not sep or value is None or not text.strip():
                raise InvalidInput(
                    f"厂家 {code} 的错误代码表第 {number} 行无效：{line.strip()!r}"
                    "（每行一条：代码=说明，如 -150=表具已锁定）",
                    f"maker {code}: bad message line {number}",
                )
            messages[str(value)] = text.strip()
        entry["messages"] = messages
        return entry


@dataclass(frozen=True)
class MakerCheck:
    """What the 测试 button found: the library loaded and CheckGasCard answered ``rc``."""

    code: str
    rc: int
    message: str  # for the administrator (Chinese)


def checked_maker(form: MakerForm) -> dict[str, object]:
    """The form's entry, checked as a counter will build its driver from it."""
    from app.devices.makers.config import maker_from

    entry = form.entry()
    maker_from(entry)
    return entry


class AdminDesk:
    """What the logged-in user may do at the 管理 menu; ``AdminDesk(ctx, user)``.
    ``maker_ports``: this counter's ``[makers.<code>]`` port and baud rate, per maker code
    (the 测试 button asks the reader there)."""

    def __init__(
        self,
        ctx: Context,
        user: LoggedIn,
        maker_ports: Mapping[str, Mapping[str, int]] | None = None,
    ):
        self.ctx = ctx
        self.user = user
        self.actor = AdminActor(user.user_id)
        self.maker_ports = dict(maker_ports or {})
        self.counter: CounterSession | None = None  # the counter it was opened at

    @classmethod
    def of(cls, session: CounterSession) -> AdminDesk:
        """The desk of the user logged in at this counter."""
        desk = cls(session.ctx, session.user, session.maker_ports())
        desk.counter = session
        return desk

    @property
    def administers(self) -> bool:
        """Whether the 管理 screens are for this user (the services decide again)."""
        return allowed(self.user.role, "manage_users")

    # ------------------------------------------------------------ own password (any role)

    def change_own_password(self, old_password: str, new_password: str) -> None:
        security.change_password(self.ctx, self.user.user_id, old_password, new_password)

    # ------------------------------------------------------------ users

    def users(self) -> tuple[UserRow, ...]:
        return administration.list_users(self.ctx, self.actor)

    def add_user(self, username: str, display_name: str, role: Role, password: str) -> UserAdded:
        user_id = security.create_user(self.ctx, self.actor, username, display_name, role, password)
        return UserAdded(user_id, username.strip())

    def set_user_active(self, user_id: int, active: bool) -> None:
        security.set_user_active(self.ctx, self.actor, user_id, active)

    def reset_password(self, user_id: int, new_password: str) -> None:
        security.reset_password(self.ctx, self.actor, user_id, new_password)

    # ------------------------------------------------------------ hall settings

    def settings(self) -> tuple[SettingView, ...]:
        return administration.hall_settings(self.ctx, self.actor)

    def save_settings(self, values: Mapping[str, int]) -> tuple[str, ...]:
        """All or nothing; returns the keys that changed."""
        return administration.change_settings(self.ctx, self.actor, dict(values))

    def calendar(self) -> CalendarView:
        return administration.work_calendar(self.ctx, self.actor)

    def mark_day(self, day: dt.date, kind: CalendarDay | str | None) -> CalendarView:
        """``kind``: a holiday, a make-up workday, or None (an ordinary day again)."""
        return administration.mark_calendar_day(self.ctx, self.actor, day, kind)

    def notices(self) -> tuple[str, ...]:
        return administration.receipt_notices(self.ctx, self.actor)

    def save_notices(self, lines: Sequence[str]) -> tuple[str, ...]:
        return administration.change_receipt_notices(self.ctx, self.actor, tuple(lines))

    # ------------------------------------------------------------ purchase limits (限购)

    def purchase_limits(self) -> tuple[LimitForm, ...]:
        """The hall's limits per customer class and rated-flow band, as the screen shows
        them (m³ and m³/h)."""
        bands = limits.class_limits(self.ctx, self.actor).bands
        return tuple(LimitForm.of(band) for band in bands)

    def save_purchase_limits(self, forms: Sequence[LimitForm]) -> tuple[LimitForm, ...]:
        """Replace the limits (the first bad row refused with its number, nothing saved); a
        class without a row is unlimited."""
        bands = []
        for n, form in enumerate(forms, start=1):
            try:
                bands.append(form.band())
            except InvalidInput as error:
                raise InvalidInput(f"第{n}行：{error.user_message}", str(error)) from error
        saved = limits.change_class_limits(self.ctx, self.actor, ClassLimits(tuple(bands)))
        return tuple(LimitForm.of(band) for band in saved.bands)

    # ------------------------------------------------------------ price list

    def price_list(self) -> tuple[Fee, ...]:
        return administration.price_list(self.ctx)

    def save_price_list(self, fees: Sequence[Fee]) -> tuple[Fee, ...]:
        return administration.change_price_list(self.ctx, self.actor, tuple(fees))

    # ------------------------------------------------------------ card makers (卡片厂家)

    def card_makers(self) -> tuple[MakerForm, ...]:
        """The hall's card makers in detection order."""
        return tuple(MakerForm.of(entry) for entry in administration.card_makers(self.ctx))

    def save_card_makers(self, forms: Sequence[MakerForm]) -> tuple[MakerForm, ...]:
        """Every maker checked as a counter builds its driver (the first bad one refused with
        its Chinese message, nothing saved), then all saved at once, in this order."""
        entries = tuple(checked_maker(form) for form in forms)
        codes = [entry["code"] for entry in entries]
        duplicate = next((code for code in codes if codes.count(code) > 1), None)
        if duplicate is not None:
            raise InvalidInput(f"厂家代码重复：{duplicate}", f"maker code {duplicate} twice")
        administration.change_card_makers(self.ctx, self.actor, entries)
        return self.card_makers()

    def test_card_maker(self, form: MakerForm) -> MakerCheck:
        """Load the maker's library in a host process of its own and call CheckGasCard once
        on this counter's port for the maker (COM1, 9600 when it has none). Slow: call it off
        the GUI thread. A library that is missing or cannot be loaded raises its error."""
        from app.devices.makers.client import MakerHost
        from app.devices.makers.codes import message_for
        from app.devices.makers.config import maker_from

        entry = form.entry()
        maker = maker_from(entry, self.maker_ports.get(str(entry["code"])))
        with MakerHost.for_maker(maker, keep_alive=False) as host:
            answer = host.call(
                "CheckGasCard", {"com": maker.port, "baud": maker.baud}, maker.variant
            )
        rc = answer.rc
        if rc == 0:
            said = "读卡器中是本厂家的用户卡"
        elif rc == 1:
            said = "读卡器中是本厂家的工具卡"
        else:
            said = message_for(rc, maker.messages)
        message = f"动态库已加载（COM{maker.port}，{maker.baud}）；CheckGasCard 返回 {rc}：{said}"
        return MakerCheck(maker.code, rc, message)

    # ------------------------------------------------------------ go-live import (数据导入)

    def import_dry_run(
        self, paths: Sequence[str], mapping: str | None, progress: ImportProgress | None = None
    ) -> ImportPlan:
        """Read and check the files against the database; writes nothing. Slow: off the GUI
        thread."""
        from pathlib import Path

        return imports.dry_run(
            self.ctx,
            self.actor,
            [Path(p) for p in paths],
            Path(mapping) if mapping else None,
            progress=progress,
        )

    def run_import(
        self, plan: ImportPlan, skip_bad_rows: bool, progress: ImportProgress | None = None
    ) -> ImportOutcome:
        """Carry out a dry run's plan (resumes the same files' unfinished batch)."""
        return imports.run_import(
            self.ctx,
            self.actor,
            plan,
            skip_bad_rows=skip_bad_rows,
            # into this counter's hall (asked here, off the GUI thread, like the call)
            hall_id=self.counter.hall_id if self.counter is not None else None,
            progress=progress,
        )

    def write_import_report(self, plan: ImportPlan, path: str) -> None:
        from pathlib import Path

        imports.write_plan_report(plan, Path(path))

    def import_batches(self) -> list[BatchView]:
        return imports.list_batches(self.ctx, self.actor)

    def rollback_import(
        self, batch_no: str, progress: ImportProgress | None = None
    ) -> ImportOutcome:
        return imports.rollback_import(self.ctx, self.actor, batch_no, progress=progress)
