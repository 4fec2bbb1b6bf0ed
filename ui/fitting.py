"""Windows that grow to hold their wrapped text.

Qt sizes a top-level window from its layout's minimum size, which leaves out the height a
word-wrapped label needs at the window's width: a long customer header or an approval rule,
English above all, is then cut at the bottom; and it opens a window at most two thirds of the
screen wide, which squeezes a long row of buttons below their text. ``keep_fitted`` grows the
window to what its layout asks for (never beyond the screen) whenever its layout changes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QTimer
from PySide6.QtWidgets import QWidget


def available_room(window: QWidget) -> QRect | None:
    """The part of the window's screen a window may take (without the task bar)."""
    screen = window.screen()
    return screen.availableGeometry() if screen is not None else None


def fit_height(window: QWidget) -> None:
    """Grow ``window`` to the width its layout asks for and to the height its layout needs at
    that width (within the screen)."""
    layout = window.layout()
    if layout is None:
        return
    room = available_room(window)
    # Qt opens a window at most 2/3 of the screen wide, below what a row of buttons needs
    width = max(window.width(), window.minimumSizeHint().width(), window.sizeHint().width())
    if room is not None:
        width = min(width, room.width() - (window.frameGeometry().width() - window.width()))
    height = window.height()
    if layout.hasHeightForWidth():
        height = max(height, layout.totalHeightForWidth(width))
    if room is not None:
        height = min(height, room.height() - (window.frameGeometry().height() - window.height()))
    if (width, height) != (window.width(), window.height()):
        window.resize(max(width, window.width()), max(height, window.height()))


class _Fitter(QObject):
    def __init__(self, window: QWidget):
        super().__init__(window)
        self.target = window
        self.pending = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Show) and not self.pending:
            self.pending = True  # once the layout has settled
            QTimer.singleShot(0, self, self.fit)  # never after the window is gone
        return False

    def fit(self) -> None:
        self.pending = False
        fit_height(self.target)


def keep_fitted(window: QWidget) -> None:
    """From now on ``window`` grows whenever its wrapped text needs more height."""
    window.installEventFilter(_Fitter(window))
