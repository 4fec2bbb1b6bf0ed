"""管理 → 气价管理: the tariff versions of each customer class and the price change (调价).

``TariffsDialog(desk, parent)`` takes an open ``app.counter.TariffDesk``: the desk is what an
administrator is given (``TariffDesk.for_counter(session)``, run off the GUI thread; a clerk is
refused there with the service's message and never sees this screen). ``open_tariffs`` does
both for the 管理 menu. Every version is shown
read-only (a tariff is never edited, only superseded; past ones greyed). The 调价 form holds a
name, the effective date (tomorrow at the earliest), the tiers (annual upper bound in m³, price
in yuan per m³; the last tier has no bound) and the household rule; the preview shows what a
typical purchase costs under today's version and the new one as it is typed (the desk prices it
without reading the database). Enter confirms: one call, ``desk.supersede``, in the background.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.counter import (
    CounterSession,
    PriceChange,
    PricePreview,
    TariffDesk,
    TariffVersion,
    TierInput,
    TypicalPurchase,
)
from app.domain.money import format_money, format_volume
from app.domain.pricing import TariffRule
from app.errors import GasDeskError, InvalidInput
from app.vocabulary import CustomerKind, TariffStatus
from ui.base import error_label, error_text, money_edit, read_money, read_volume, volume_edit
from ui.fitting import keep_fitted
from ui.i18n import vocabulary_text
from ui.worker import run_in_background

MAX_TIERS = 6  # as many rows as the service accepts
PAST_COLOUR = QColor("#888888")


class TierRow:
    """One row of the ladder: its annual upper bound (none on the last row) and price."""

    def __init__(self, upper: QLineEdit, price: QLineEdit):
        self.upper = upper
        self.price = price


class TariffsDialog(QDialog):
    """The versions of the chosen class and the 调价 form with its live preview."""

    # the counter window's 管理 menu opens the desk of its user with this, off the GUI thread
    desk_for = staticmethod(TariffDesk.for_counter)

    def __init__(self, desk: TariffDesk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.working = False
        self.published: TariffVersion | None = None  # the version the last confirm stored
        self.setWindowTitle(self.tr("气价管理"))
        self.setWindowModality(Qt.WindowModality.WindowModal)

        self.kind = QComboBox()
        for kind in CustomerKind:
            self.kind.addItem(vocabulary_text(kind), kind.value)
        self.versions = QTableWidget(0, 4)
        self.versions.setHorizontalHeaderLabels(
            [self.tr("生效日期"), self.tr("名称"), self.tr("状态"), self.tr("阶梯与单价")]
        )
        self.versions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.versions.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.versions.verticalHeader().setVisible(False)
        self.versions.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.shown_versions: tuple[TariffVersion, ...] = ()
        self.draft_button = QPushButton(self.tr("以所选版本为底稿"))
        self.draft_button.setAutoDefault(False)
        self.draft_button.clicked.connect(self.draft_from_selected)

        # ------------------------------------------------------------ the 调价 form
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("留空则按类别和日期命名"))
        self.effective = QDateEdit()
        self.effective.setCalendarPopup(True)
        self.effective.setDisplayFormat("yyyy-MM-dd")
        self.tier_grid = QGridLayout()
        self.tier_grid.addWidget(QLabel(self.tr("阶梯")), 0, 0)
        self.tier_grid.addWidget(QLabel(self.tr("年用气量上限（立方米）")), 0, 1)
        self.tier_grid.addWidget(QLabel(self.tr("单价（元/立方米）")), 0, 2)
        self.tier_rows: list[TierRow] = []
        self.tier_labels: list[QLabel] = []
        self.add_tier_button = QPushButton(self.tr("增加一档"))
        self.remove_tier_button = QPushButton(self.tr("删除末档"))
        self.add_tier_button.setAutoDefault(False)
        self.remove_tier_button.setAutoDefault(False)
        self.add_tier_button.clicked.connect(self.add_tier)
        self.remove_tier_button.clicked.connect(self.remove_tier)
        self.start_month = QSpinBox()
        self.start_month.setRange(1, 12)
        self.threshold = QSpinBox()
        self.threshold.setRange(0, 20)
        self.threshold.setSpecialValueText(self.tr("不调整"))
        self.extra = volume_edit()

        change_box = QGroupBox(self.tr("调价"))
        change_form = QFormLayout(change_box)
        change_form.addRow(self.tr("名称"), self.name_edit)
        change_form.addRow(self.tr("生效日期"), self.effective)
        change_form.addRow(self.tier_grid)
        tier_buttons = QHBoxLayout()
        tier_buttons.addWidget(self.add_tier_button)
        tier_buttons.addWidget(self.remove_tier_button)
        tier_buttons.addStretch()
        change_form.addRow(tier_buttons)
        change_form.addRow(self.tr("阶梯年度起始月份"), self.start_month)
        change_form.addRow(self.tr("多人口户：基准人口"), self.threshold)
        change_form.addRow(self.tr("每增加一人增加气量（立方米）"), self.extra)

        # ------------------------------------------------------------ the preview
        self.typical_volume = volume_edit()
        self.typical_volume.setText(format_volume(TypicalPurchase().volume))
        self.typical_household = QSpinBox()
        self.typical_household.setRange(1, 50)
        self.typical_household.setValue(TypicalPurchase().household_size)
        self.typical_used = volume_edit()
        self.typical_used.setText("0")
        self.before = QLabel()
        self.before.setObjectName("before")
        self.after = QLabel()
        self.after.setObjectName("after")
        self.difference = QLabel()
        self.difference.setObjectName("difference")
        for label in (self.before, self.after):
            label.setStyleSheet("font-size: 12pt")
        self.difference.setStyleSheet("font-size: 14pt; font-weight: bold")
        preview_box = QGroupBox(self.tr("调价前后对比（典型购气）"))
        preview_form = QFormLayout(preview_box)
        preview_form.addRow(self.tr("购气量（立方米）"), self.typical_volume)
        preview_form.addRow(self.tr("家庭人口"), self.typical_household)
        preview_form.addRow(self.tr("本年度已购（立方米）"), self.typical_used)
        preview_form.addRow(self.tr("现行气价"), self.before)
        preview_form.addRow(self.tr("调价后"), self.after)
        preview_form.addRow(self.tr("差额"), self.difference)

        self.error = error_label()
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setVisible(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close
        )
        self.confirm_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.confirm_button.setText(self.tr("确认调价 (Enter)"))
        self.confirm_button.setDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭 (Esc)"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        top = QFormLayout()
        top.addRow(self.tr("用户类别"), self.kind)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(QLabel(self.tr("气价版本（已生效的版本不能修改，只能由新版本接替）")))
        layout.addWidget(self.versions)
        draft_row = QHBoxLayout()
        draft_row.addStretch()
        draft_row.addWidget(self.draft_button)
        layout.addLayout(draft_row)
        lower = QHBoxLayout()
        lower.addWidget(change_box, 3)
        lower.addWidget(preview_box, 2)
        layout.addLayout(lower)
        layout.addWidget(self.info)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)

        self.kind.currentIndexChanged.connect(self.show_class)
        for edit in (self.name_edit, self.extra, self.typical_volume, self.typical_used):
            edit.textChanged.connect(self.refresh_preview)
        for spin in (self.start_month, self.threshold, self.typical_household):
            spin.valueChanged.connect(self.refresh_preview)
        self.show_class()
        self.resize(1000, 640)  # the ladders of the versions read whole on a 1366 screen
        keep_fitted(self)

    # ---------------------------------------------------------------- the class shown

    @property
    def customer_class(self) -> CustomerKind:
        return CustomerKind(self.kind.currentData())

    def show_class(self) -> None:
        """The chosen class's versions, and the form started from the version in force."""
        tariffs = self.desk.versions(self.customer_class)
        self.fill_versions(tariffs.versions)
        tomorrow = self.desk.today + dt.timedelta(days=1)
        self.effective.setMinimumDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
        self.effective.setDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
        base = tariffs.current or (tariffs.versions[0] if tariffs.versions else None)
        if base is not None:  # the list shows which version the form started from
            self.versions.setCurrentCell(tariffs.versions.index(base), 0)
        self.fill_form(base.rule if base is not None else None)

    def draft_from_selected(self) -> None:
        """Start the form from the chosen version (a later one not yet in force, say); the
        version itself stays as it is."""
        row = self.versions.currentRow()
        if 0 <= row < len(self.shown_versions):
            self.fill_form(self.shown_versions[row].rule)

    def fill_versions(self, versions: tuple[TariffVersion, ...]) -> None:
        self.shown_versions = versions
        self.versions.setRowCount(len(versions))
        for row, version in enumerate(versions):
            cells = (
                version.effective_from.isoformat(),
                version.name,
                vocabulary_text(version.status),
                self.rule_text(version.rule),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                if version.status is TariffStatus.PAST:  # kept for the record, used no more
                    item.setForeground(QBrush(PAST_COLOUR))
                    font = QFont(item.font())
                    font.setItalic(True)
                    item.setFont(font)
                elif version.status is TariffStatus.CURRENT:
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                self.versions.setItem(row, column, item)
        self.versions.resizeColumnsToContents()
        self.versions.resizeRowsToContents()  # a long ladder wraps in its cell

    def rule_text(self, rule: TariffRule) -> str:
        parts = []
        for n, tier in enumerate(rule.tiers, start=1):
            price = format_money(tier.price_fen)
            if tier.upper is None:
                parts.append(self.tr("第{n}档 {price}元").format(n=n, price=price))
            else:
                upper = format_volume(tier.upper)
                parts.append(
                    self.tr("第{n}档 ≤{upper}m³ {price}元").format(n=n, upper=upper, price=price)
                )
        text = self.tr("；").join(parts)
        if rule.household_threshold:
            text += self.tr("（超过{n}人每多一人加{extra}m³）").format(
                n=rule.household_threshold, extra=format_volume(rule.extra_per_member)
            )
        return text

    def fill_form(self, rule: TariffRule | None) -> None:
        while self.tier_rows:
            self._drop_last_row()
        tiers = rule.tiers if rule is not None else ()
        for tier in tiers or (None,):
            self.add_tier()
            row = self.tier_rows[-1]
            if tier is not None:
                row.price.setText(format_money(tier.price_fen))
                if tier.upper is not None:
                    row.upper.setText(format_volume(tier.upper))
        self._mark_last_row()
        self.start_month.setValue(rule.ladder_start_month if rule else 1)
        self.threshold.setValue(rule.household_threshold if rule else 0)
        self.extra.setText(format_volume(rule.extra_per_member) if rule else "0")
        residential = self.customer_class is CustomerKind.RESIDENTIAL
        self.threshold.setEnabled(residential)
        self.extra.setEnabled(residential)
        self.refresh_preview()

    # ---------------------------------------------------------------- the ladder rows

    def add_tier(self) -> None:
        if len(self.tier_rows) >= MAX_TIERS:
            return
        n = len(self.tier_rows) + 1
        label = QLabel(self.tr("第{n}档").format(n=n))
        row = TierRow(volume_edit(), money_edit())
        self.tier_grid.addWidget(label, n, 0)
        self.tier_grid.addWidget(row.upper, n, 1)
        self.tier_grid.addWidget(row.price, n, 2)
        row.upper.textChanged.connect(self.refresh_preview)
        row.price.textChanged.connect(self.refresh_preview)
        self.tier_labels.append(label)
        self.tier_rows.append(row)
        self._mark_last_row()
        self.refresh_preview()

    def remove_tier(self) -> None:
        if len(self.tier_rows) > 1:
            self._drop_last_row()
            self._mark_last_row()
            self.refresh_preview()

    def _drop_last_row(self) -> None:
        row = self.tier_rows.pop()
        label = self.tier_labels.pop()
        for widget in (label, row.upper, row.price):
            self.tier_grid.removeWidget(widget)
            widget.deleteLater()

    def _mark_last_row(self) -> None:
        """Only the last tier is open-ended: its bound is not asked for."""
        for index, row in enumerate(self.tier_rows):
            last = index == len(self.tier_rows) - 1
            if last:
                row.upper.clear()
                row.upper.setPlaceholderText(self.tr("不设上限"))
            else:
                row.upper.setPlaceholderText("")
            row.upper.setEnabled(not last)
        self.remove_tier_button.setEnabled(len(self.tier_rows) > 1)
        self.add_tier_button.setEnabled(len(self.tier_rows) < MAX_TIERS)

    # ---------------------------------------------------------------- reading the form

    def change(self) -> PriceChange:
        """The price change as typed (InvalidInput naming an empty field)."""
        tiers = []
        for n, row in enumerate(self.tier_rows, start=1):
            last = n == len(self.tier_rows)
            upper = None if last else read_volume(row.upper, self.tr("第{n}档上限").format(n=n))
            price = read_money(row.price, self.tr("第{n}档单价").format(n=n))
            tiers.append(TierInput(upper, price or 0))
        residential = self.customer_class is CustomerKind.RESIDENTIAL
        date = self.effective.date()
        return PriceChange(
            customer_class=self.customer_class.value,
            effective_from=dt.date(date.year(), date.month(), date.day()),
            tiers=tuple(tiers),
            name=self.name_edit.text().strip() or None,
            ladder_start_month=self.start_month.value(),
            household_threshold=self.threshold.value() if residential else 0,
            extra_per_member=(read_volume(self.extra, "", required=False) or 0)
            if residential
            else 0,
        )

    def typical(self) -> TypicalPurchase:
        return TypicalPurchase(
            volume=read_volume(self.typical_volume, self.tr("购气量")) or 0,
            household_size=self.typical_household.value(),
            used=read_volume(self.typical_used, "", required=False) or 0,
        )

    # ---------------------------------------------------------------- preview and confirm

    def refresh_preview(self) -> None:
        """Price the typical purchase again (the desk reads nothing: fine on every key)."""
        if self.working:
            return  # the confirm's answer writes the message
        try:
            preview = self.desk.preview(self.change(), self.typical())
        except GasDeskError as error:
            self.show_preview(None)
            self.error.setText(error_text(error))
            return
        self.error.clear()
        self.show_preview(preview)

    def show_preview(self, preview: PricePreview | None) -> None:
        if preview is None:
            for label in (self.before, self.after, self.difference):
                label.clear()
            return
        if preview.before is None:
            self.before.setText(self.tr("无现行气价"))
        else:
            self.before.setText(
                self.tr("{amount} 元").format(amount=format_money(preview.before.amount_fen))
            )
        self.after.setText(
            self.tr("{amount} 元").format(amount=format_money(preview.after.amount_fen))
        )
        difference = preview.difference_fen
        if difference is None:
            self.difference.clear()
        elif difference >= 0:
            self.difference.setText(self.tr("+{0} 元").format(format_money(difference)))
        else:
            self.difference.setText(self.tr("-{0} 元").format(format_money(-difference)))

    def submit(self) -> None:
        """确认调价: the one call, off the GUI thread; nothing is stored when it is refused."""
        if self.working:
            return
        try:
            change = self.change()
        except InvalidInput as error:
            self.error.setText(error_text(error))
            return
        self.working = True
        self.info.clear()
        self.error.clear()
        self.busy.setVisible(True)
        self.confirm_button.setEnabled(False)
        desk = self.desk
        run_in_background(lambda: desk.supersede(change), self.done_ok, self.failed, parent=self)

    def done_ok(self, version: TariffVersion) -> None:
        self._idle()
        self.published = version
        self.fill_versions(self.desk.versions(self.customer_class).versions)
        self.info.setText(
            self.tr("已发布新气价：{name}，自{day}起执行").format(
                name=version.name, day=version.effective_from.isoformat()
            )
        )

    def failed(self, error: Exception) -> None:
        self._idle()
        self.error.setText(error_text(error))
        if isinstance(error, GasDeskError) and error.field == "effective_from":
            self.effective.setFocus()

    def _idle(self) -> None:
        self.working = False
        self.busy.setVisible(False)
        self.confirm_button.setEnabled(True)


def open_tariffs(session: CounterSession, parent: QWidget, refused: Callable[[str], None]) -> None:
    """管理 → 气价管理: open the desk of the user logged in off the GUI thread, then show the
    dialog (closed: deleted); ``refused`` gets the message when the desk is refused (a clerk)
    or cannot be read."""

    def opened(desk: TariffDesk) -> None:
        dialog = TariffsDialog(desk, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    run_in_background(
        lambda: TariffDesk.for_counter(session),
        opened,
        lambda error: refused(error_text(error)),
        parent=parent,
    )
