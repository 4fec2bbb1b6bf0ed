"""The loaded account: customer (ID and phone come masked from the service), meter, cards,
purchase count, the gas still on the card (known after a card read), tier usage this ladder
year (one bar per tier), the meter's life (meters replaced, carry-over still to write, purchase
limit left, safety inspection, tool cards) and recent history."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.counter import AccountView, TierUse
from app.domain.money import format_money, format_volume
from app.domain.toolcards import status_text
from app.vocabulary import TransactionKind
from ui.i18n import vocabulary_text

CARD_STATUS = {
    "active": QT_TRANSLATE_NOOP("AccountPanel", "正常"),
    "blacklisted": QT_TRANSLATE_NOOP("AccountPanel", "黑名单"),
    "retired": QT_TRANSLATE_NOOP("AccountPanel", "停用"),
}
RECEIPT_COLUMN = 2
LIFE_TAB = 1  # the tab of the meter's life, beside the recent history


class AccountPanel(QWidget):
    """Shows one ``AccountView``; ``show_account`` on the GUI thread, ``clear`` to empty it."""

    HISTORY_COLUMNS = (
        QT_TRANSLATE_NOOP("AccountPanel", "时间"),
        QT_TRANSLATE_NOOP("AccountPanel", "业务"),
        QT_TRANSLATE_NOOP("AccountPanel", "凭证号"),
        QT_TRANSLATE_NOOP("AccountPanel", "气量(m³)"),
        QT_TRANSLATE_NOOP("AccountPanel", "金额(元)"),
    )

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.view: AccountView | None = None
        # gas bought onto the card and not yet loaded into the meter, as the last card read of
        # this account found it; None: not known (the account was found by a search)
        self.pending_volume: int | None = None
        self.fields: dict[str, QLabel] = {}
        info = QGroupBox(self.tr("客户信息"))
        form = QFormLayout(info)
        for key, label in (
            ("account_no", self.tr("户号")),
            ("status", self.tr("状态")),
            ("kind", self.tr("户类型")),
            ("name", self.tr("姓名")),
            ("id_number", self.tr("证件号")),
            ("phone", self.tr("电话")),
            ("address", self.tr("地址")),
            ("household", self.tr("人口")),
            ("meter", self.tr("燃气表")),
            ("cards", self.tr("卡片")),
            ("purchase_count", self.tr("购气次数")),
            ("pending", self.tr("卡内未插表")),
        ):
            value = QLabel()
            value.setObjectName(f"account-{key}")
            value.setWordWrap(True)
            self.fields[key] = value
            form.addRow(label, value)

        life_box = QWidget()
        life = QFormLayout(life_box)
        for key, label in (
            ("meters", self.tr("换表记录")),
            ("carry_over", self.tr("换表补气剩余")),
            ("limit", self.tr("限购")),
            ("inspection", self.tr("安检")),
            ("tool_cards", self.tr("工具卡")),
            ("last_check", self.tr("最近检查")),
        ):
            value = QLabel()
            value.setObjectName(f"account-{key}")
            value.setWordWrap(True)
            self.fields[key] = value
            life.addRow(label, value)

        tiers_box = QGroupBox(self.tr("本年度阶梯用气"))
        self.tariff_label = QLabel()
        self.tiers_layout = QVBoxLayout(tiers_box)
        self.tiers_layout.addWidget(self.tariff_label)
        self.tier_bars: list[QProgressBar] = []

        history_box = QWidget()
        self.history = QTableWidget(0, len(self.HISTORY_COLUMNS))
        self.history.setHorizontalHeaderLabels([self.tr(c) for c in self.HISTORY_COLUMNS])
        header = self.history.horizontalHeader()
        # the amount and volume are sized to their figures and never pushed out; a long receipt
        # number gives way, elided from the left (its distinguishing tail stays)
        for column in range(len(self.HISTORY_COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(RECEIPT_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.history.setTextElideMode(Qt.TextElideMode.ElideLeft)
        self.history.setWordWrap(False)
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        QVBoxLayout(history_box).addWidget(self.history)

        left = QVBoxLayout()
        left.addWidget(info)
        left.addWidget(tiers_box)
        left.addStretch(1)
        # the recent history and the meter's life share the right side, one tab each (the
        # counter fits a 1366×768 screen); a tab title says when the meter's life needs a look
        self.tabs = QTabWidget()
        self.tabs.addTab(history_box, self.tr("近期业务"))
        self.tabs.addTab(life_box, self.tr("表具·限购·安检"))
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addWidget(self.tabs, 2)
        self.clear()

    @property
    def account_no(self) -> str | None:
        return self.view.summary.account_no if self.view is not None else None

    def clear(self) -> None:
        self.view = None
        self.pending_volume = None
        for label in self.fields.values():
            label.setText("—")
        self.tariff_label.setText(self.tr("未加载账户"))
        self._set_tiers(())
        self.history.setRowCount(0)
        for label in self.fields.values():
            label.setStyleSheet("")
        self.tabs.setTabText(LIFE_TAB, self.tr("表具·限购·安检"))

    def forget_card(self) -> None:
        """What the card holds may have changed (an operation wrote it): unknown until the
        card is read again."""
        self.pending_volume = None
        if self.view is not None:
            self._show_pending()

    def _show_pending(self) -> None:
        label = self.fields["pending"]
        label.setText(self._pending_text())
        # gas on the card the customer has not loaded yet matters (a refund, a "no gas" call)
        label.setStyleSheet("font-weight: bold" if self.pending_volume else "")

    def _pending_text(self) -> str:
        if self.pending_volume is None:
            return self.tr("—（读卡后显示）")
        if self.pending_volume == 0:
            return self.tr("无（卡内气量已全部插表）")
        return self.tr("{volume} m³（已购未插表）").format(
            volume=format_volume(self.pending_volume)
        )

    def show_account(self, view: AccountView, pending_volume: int | None = None) -> None:
        """``pending_volume``: what a card read of this account found still on the card; None
        keeps what an earlier read of the same account found."""
        if pending_volume is not None:
            self.pending_volume = pending_volume
        elif self.view is None or self.view.summary.account_no != view.summary.account_no:
            self.pending_volume = None
        self.view = view
        s = view.summary
        status = self.tr("正常") if s.status == "active" else self.tr("已销户")
        cards = self.tr("，").join(
            self.tr("{serial}（{status}）").format(
                serial=c.serial, status=self.tr(CARD_STATUS.get(c.status, c.status))
            )
            for c in view.cards
        )
        meter = s.meter_no or self.tr("无")
        if view.meter_model:
            meter += self.tr("（{model}）").format(model=view.meter_model)
        values = {
            "account_no": s.account_no,
            "status": status,
            "kind": vocabulary_text(view.account_kind)
            + (
                self.tr("（旧系统导入，批次 {batch}）").format(batch=view.imported_batch)
                if view.imported_batch
                else ""
            ),
            "name": s.customer_name,
            "id_number": s.id_number,
            "phone": s.phone or "",
            "address": s.address,
            "household": self.tr("%n 人", "", view.household_size),
            "meter": meter,
            "cards": cards or self.tr("无"),
            "purchase_count": str(view.purchase_count),
        }
        values.update(self._life_cycle(view))
        for key, text in values.items():
            self.fields[key].setText(text)
        # what stops or changes a sale stands out: carry-over owed, a hold, an overdue check
        inspection = view.limits.inspection if view.limits is not None else None
        alarming = {
            "carry_over": view.carry_over_remaining > 0,
            "inspection": inspection is not None and (inspection.hold or inspection.overdue),
            "limit": view.limits is not None and view.limits.limit.remaining == 0,
        }
        for key, alarm in alarming.items():
            self.fields[key].setStyleSheet("color: #c00; font-weight: bold" if alarm else "")
        self.tabs.setTabText(
            LIFE_TAB,
            self.tr("表具·限购·安检 ⚠") if any(alarming.values()) else self.tr("表具·限购·安检"),
        )
        self._show_pending()
        usage = view.tier_usage
        if usage is None:
            self.tariff_label.setText(self.tr("未设置气价"))
            self._set_tiers(())
        else:
            self.tariff_label.setText(
                self.tr("{tariff}，年度自 {year}，已用 {used} m³").format(
                    tariff=usage.tariff_name,
                    year=usage.ladder_year.isoformat(),
                    used=format_volume(usage.total_used),
                )
            )
            self._set_tiers(usage.tiers)
        self.history.setRowCount(len(view.recent))
        for row, entry in enumerate(view.recent):
            values_row = (
                entry.created_at.strftime("%Y-%m-%d %H:%M"),
                self.tr(TransactionKind.label_of(entry.kind)),
                entry.receipt_no,
                format_volume(entry.volume),
                format_money(entry.amount_fen),
            )
            for column, text in enumerate(values_row):
                self.history.setItem(row, column, QTableWidgetItem(text))

    def _life_cycle(self, view: AccountView) -> dict[str, str]:
        """The meter life cycle's lines, as text."""
        replaced = [m for m in view.meter_history if m.retired_at is not None]
        meters = self.tr("；").join(
            self.tr("{meter} {date} 拆除，止码 {reading} m³").format(
                meter=m.meter_no,
                date=m.retired_at.strftime("%Y-%m-%d"),
                reading=format_volume(m.final_reading or 0),
            )
            for m in replaced
        )
        lines = {
            "meters": meters or self.tr("无"),
            "carry_over": self.tr("{volume} m³ 待写卡").format(
                volume=format_volume(view.carry_over_remaining)
            )
            if view.carry_over_remaining
            else self.tr("无"),
        }
        if view.limits is not None:
            limit, inspection = view.limits.limit, view.limits.inspection
            lines["limit"] = (
                self.tr("不限购")
                if limit.limit is None
                else self.tr(
                    "{limit} m³（{since} 起 {months} 个月），已购 {bought}，剩余 {left}"
                ).format(
                    limit=format_volume(limit.limit),
                    since=limit.window_from.strftime("%Y-%m"),
                    months=limit.window_months,
                    bought=format_volume(limit.bought),
                    left=format_volume(limit.remaining or 0),
                )
                + (self.tr("（本户限购）") if limit.own else "")
            )
            last = (
                self.tr("{date} {result}").format(
                    date=inspection.last_on.isoformat(),
                    result=vocabulary_text(inspection.last_result),
                )
                if inspection.last_on is not None
                else self.tr("未安检")
            )
            state = (
                self.tr("停止售气（{0}）").format(vocabulary_text(inspection.hold))
                if inspection.hold
                else self.tr("已逾期")
                if inspection.overdue
                else self.tr("正常")
            )
            lines["inspection"] = self.tr("上次 {last}，下次 {due} 前，{state}").format(
                last=last, due=inspection.due_on.isoformat(), state=state
            )
        cards = view.tool_cards
        if cards is not None:
            lines["tool_cards"] = self.tr("，").join(
                self.tr("{kind} {serial}（{state}）").format(
                    kind=vocabulary_text(card.kind),
                    serial=card.serial,
                    state=self.tr("未交回") if card.outstanding else self.tr("已交回"),
                )
                for card in cards.issued[:3]
            ) or self.tr("无")
            check = cards.last_check
            lines["last_check"] = (
                self.tr("{date} 剩余 {remaining} m³，累计 {cumulative} m³ {status}").format(
                    date=check.returned_at.strftime("%Y-%m-%d") if check.returned_at else "",
                    remaining=format_volume(check.state.remaining_volume or 0),
                    cumulative=format_volume(check.state.cumulative_volume or 0),
                    status=self.tr(status_text(check.state.meter_status)),
                )
                if check is not None and check.state is not None
                else self.tr("无")
            )
        return lines

    def _set_tiers(self, tiers: tuple[TierUse, ...]) -> None:
        for bar in self.tier_bars:
            self.tiers_layout.removeWidget(bar)
            bar.deleteLater()
        self.tier_bars = []
        for tier in tiers:
            bar = QProgressBar()
            bar.setObjectName(f"tier-{tier.tier}")
            price = format_money(tier.price_fen)
            if tier.upper is None:
                # the last tier has no limit: the bar is full once anything was bought in it
                bar.setRange(0, max(tier.used, 1))
                text = self.tr("第{n}档 已用 {used} m³（不限） 单价 {price} 元/m³")
            else:
                bar.setRange(0, max(tier.upper - tier.lower, 1))
                text = self.tr("第{n}档 {used}/{limit} m³ 单价 {price} 元/m³")
            bar.setValue(max(0, min(tier.used, bar.maximum())))
            bar.setTextVisible(True)
            bar.setFormat(
                text.format(
                    n=tier.tier,
                    used=format_volume(tier.used),
                    limit=format_volume((tier.upper or 0) - tier.lower),
                    price=price,
                )
            )
            bar.setToolTip(bar.format())
            self.tier_bars.append(bar)
            self.tiers_layout.addWidget(bar)
