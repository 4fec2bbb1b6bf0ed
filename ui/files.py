"""Where the counter saves a file (a report, the opening form): Qt's own save dialog, not the
platform's, so its words follow the counter's language, opening in the user's documents folder
(never the program's folder, where an export would be lost or refused)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget


def documents_folder() -> Path:
    """The user's documents folder (Windows: 文档/Documents), else the home folder."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(found) if found else Path.home()
    return folder if folder.is_dir() else Path.home()


def save_dialog(
    parent: QWidget | None, title: str, suggested: str, name_filter: str
) -> QFileDialog:
    """The save dialog, built (not shown): non-native, its labels in the counter's language,
    ``suggested`` preselected in the documents folder."""

    def tr(text: str) -> str:
        return QCoreApplication.translate("SaveDialog", text)

    dialog = QFileDialog(parent, title, str(documents_folder()), name_filter)
    dialog.setObjectName("save-dialog")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    label = QFileDialog.DialogLabel
    for which, text in (
        (label.LookIn, tr("保存位置：")),
        (label.FileName, tr("文件名：")),
        (label.FileType, tr("文件类型：")),
        (label.Accept, tr("保存")),
        (label.Reject, tr("取消")),
    ):
        dialog.setLabelText(which, text)
    dialog.selectFile(suggested)
    return dialog


def ask_save_path(
    parent: QWidget | None, title: str, suggested: str, name_filter: str
) -> str | None:
    """Ask where to save; the chosen path, or None when the clerk cancelled."""
    dialog = save_dialog(parent, title, suggested, name_filter)
    if dialog.exec() != QFileDialog.DialogCode.Accepted:
        return None
    chosen = dialog.selectedFiles()
    return chosen[0] if chosen else None
