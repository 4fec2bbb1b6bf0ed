"""管理 → 卡片厂家: the hall's card makers of the common interface, in detection order.

A list of the makers (add, remove, move up and down) and the selected maker's fields; 保存
sends them all at once through ``AdminDesk.save_card_makers`` (every entry checked first, a bad
one refused with its Chinese message and nothing saved). 测试 loads the maker's library in a
host process and calls CheckGasCard once, off the GUI thread. The serial port of each maker's
reader is per counter (config.toml ``[makers.<code>]``): shown here, read only.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.counter import AdminDesk
from app.counter.admin import MakerCheck, MakerForm
from ui.dialogs.admin import AdminScreen, push_button

TEXT_FIELDS = ("code", "name", "library", "klx", "dqdm", "bjql", "czsx", "tzed", "key_seed")


class CardMakersDialog(AdminScreen):
    """The makers in the order a counter asks them whose card is in the reader."""

    # the counter window's 管理 menu opens the desk of its user with this, off the GUI thread
    desk_for = staticmethod(AdminDesk.of)

    def __init__(self, desk: AdminDesk, parent: QWidget | None = None):
        super().__init__(self.tr("卡片厂家"), parent)
        self.desk = desk
        self.forms: list[MakerForm] = []
        self.checked: MakerCheck | None = None  # the last 测试 answer
        self._shown = -1  # the row whose fields the form shows

        hint = QLabel(
            self.tr(
                "读卡时按列表顺序逐个询问厂家（本公司卡最先）。各柜台的串口号和波特率在"
                "该柜台的 config.toml [makers.<代码>] 中设置。"
            )
        )
        hint.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("makers")
        self.list.currentRowChanged.connect(self._row_changed)

        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        labels = {
            "code": self.tr("厂家代码"),
            "name": self.tr("厂家名称"),
            "library": self.tr("动态库路径"),
            "klx": self.tr("卡类型 klx"),
            "dqdm": self.tr("地区代码 dqdm"),
            "bjql": self.tr("报警气量 bjql（立方米）"),
            "czsx": self.tr("充值上限 czsx（立方米）"),
            "tzed": self.tr("透支额度 tzed（立方米）"),
            "key_seed": self.tr("密钥种子"),
        }
        for key in TEXT_FIELDS:
            edit = QLineEdit()
            edit.setObjectName(f"maker-{key}")
            if key == "key_seed":
                edit.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
            self.edits[key] = edit
            form.addRow(labels[key], edit)
        for key in ("code", "name"):  # the list shows the maker as it is typed
            self.edits[key].textEdited.connect(lambda _text: self._keep())
        self.yhh_in_write = QCheckBox(self.tr("写卡函数在地区代码后带用户号（yhh）"))
        self.yhh_in_write.setObjectName("maker-yhh_in_write")
        self.price_by_ptr = QCheckBox(self.tr("写卡函数按指针传单价"))
        self.price_by_ptr.setObjectName("maker-price_by_ptr")
        form.addRow(self.tr("接口头文件差异"), self.yhh_in_write)
        form.addRow("", self.price_by_ptr)
        self.messages = QPlainTextEdit()
        self.messages.setObjectName("maker-messages")
        self.messages.setPlaceholderText(self.tr("每行一条：代码=说明，如 -150=表具已锁定"))
        self.messages.setMaximumHeight(110)
        form.addRow(self.tr("厂家错误代码"), self.messages)
        self.port = QLabel()
        self.port.setObjectName("maker-port")
        form.addRow(self.tr("本柜台串口"), self.port)
        self.fields = QWidget()
        self.fields.setLayout(form)
        self.fields.setEnabled(False)

        self.add_button = push_button(self.tr("添加厂家"))
        self.remove_button = push_button(self.tr("删除"))
        self.up_button = push_button(self.tr("上移"))
        self.down_button = push_button(self.tr("下移"))
        self.test_button = push_button(self.tr("测试"))
        self.save_button = push_button(self.tr("保存全部"))
        self.test_button.setToolTip(self.tr("加载动态库并调用一次 CheckGasCard"))
        self.add_button.clicked.connect(self.add_maker)
        self.remove_button.clicked.connect(self.remove_selected)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        self.test_button.clicked.connect(self.test_selected)
        self.save_button.clicked.connect(self.save)

        side = QVBoxLayout()
        side.addWidget(self.list, 1)
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            side.addWidget(button)
        body = QHBoxLayout()
        body.addLayout(side, 1)
        body.addWidget(self.fields, 2)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.test_button)
        actions.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(body, 1)
        layout.addLayout(actions)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addWidget(self.close_buttons())
        self.resize(820, 560)
        self.call(desk.card_makers, self.show_makers)

    # ------------------------------------------------------------------ the list

    def show_makers(self, forms: tuple[MakerForm, ...], select: int = 0) -> None:
        self.forms = list(forms)
        self._shown = -1
        self._refill(select)

    def _refill(self, select: int) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for form in self.forms:
            self.list.addItem(self._title(form))
        self.list.blockSignals(False)
        if self.forms:
            self.list.setCurrentRow(max(0, min(select, len(self.forms) - 1)))
        else:
            self._show(-1)

    def _title(self, form: MakerForm) -> str:
        code = form.code.strip() or self.tr("（新厂家）")
        name = form.name.strip()
        return f"{code} — {name}" if name else code

    def _row_changed(self, row: int) -> None:
        self._keep()
        self._show(row)

    def _show(self, row: int) -> None:
        """The fields of the maker at ``row`` (-1: none)."""
        self._shown = row
        self.fields.setEnabled(row >= 0)
        form = self.forms[row] if row >= 0 else MakerForm()
        for key, edit in self.edits.items():
            edit.setText(str(getattr(form, key)) if row >= 0 else "")
        self.yhh_in_write.setChecked(form.yhh_in_write)
        self.price_by_ptr.setChecked(form.price_by_ptr)
        self.messages.setPlainText(form.messages)
        port = self.desk.maker_ports.get(form.code.strip()) if row >= 0 else None
        self.port.setText(
            self.tr("COM{port}，{baud} 波特").format(port=port["port"], baud=port["baud"])
            if port
            else self.tr("未设置（默认 COM1，9600 波特）")
        )

    def _keep(self) -> None:
        """What the fields hold now, back into the maker shown."""
        row = self._shown
        if not 0 <= row < len(self.forms):
            return
        values: dict[str, object] = {key: edit.text() for key, edit in self.edits.items()}
        self.forms[row] = dataclasses.replace(
            self.forms[row],
            **values,
            yhh_in_write=self.yhh_in_write.isChecked(),
            price_by_ptr=self.price_by_ptr.isChecked(),
            messages=self.messages.toPlainText(),
        )
        item = self.list.item(row)
        if item is not None:
            item.setText(self._title(self.forms[row]))

    def selected(self) -> int:
        return self.list.currentRow() if self.forms else -1

    def add_maker(self) -> None:
        self._keep()
        self.forms.append(MakerForm())
        self._shown = -1
        self._refill(len(self.forms) - 1)
        self.edits["code"].setFocus()

    def remove_selected(self) -> None:
        row = self.selected()
        if row < 0:
            self.error.setText(self.tr("请选中要删除的厂家"))
            return
        del self.forms[row]
        self._shown = -1
        self._refill(row)
        self.note.setText(self.tr("已从列表删除，按“保存全部”后生效"))

    def move_selected(self, step: int) -> None:
        row = self.selected()
        target = row + step
        if row < 0 or not 0 <= target < len(self.forms):
            return
        self._keep()
        self.forms[row], self.forms[target] = self.forms[target], self.forms[row]
        self._shown = -1
        self._refill(target)

    # ------------------------------------------------------------------ desk calls

    def current_forms(self) -> list[MakerForm]:
        """Every maker as the screen holds it, the fields shown included."""
        self._keep()
        return list(self.forms)

    def save(self) -> None:
        forms, desk, row = self.current_forms(), self.desk, max(0, self.selected())

        def saved(kept: tuple[MakerForm, ...]) -> None:
            self.show_makers(kept, row)
            self.note.setText(
                self.tr("已保存 {0} 个卡片厂家，各柜台下次登录时生效").format(len(kept))
            )

        self.call(lambda: desk.save_card_makers(forms), saved)

    def test_selected(self) -> None:
        row = self.selected()
        if row < 0:
            self.error.setText(self.tr("请选中要测试的厂家"))
            return
        form, desk = self.current_forms()[row], self.desk
        self.checked = None

        def done(check: MakerCheck) -> None:
            self.checked = check
            self.note.setText(check.message)

        # the host process may take the library's whole time-out: never on the GUI thread
        self.call(lambda: desk.test_card_maker(form), done)
