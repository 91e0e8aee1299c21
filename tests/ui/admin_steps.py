"""Steps the Administration window's tests share: open it from the keyboard, wait for
its lists, find a page's dialog, grab screenshots into artifacts/admin."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from desk.ui.admin.admin_window import AdministrationWindow
from desk.ui.shell.main_window import MainWindow

from .helpers import wait_idle

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "admin"


def open_administration(qtbot, window: MainWindow) -> AdministrationWindow:
    """Ctrl+Shift+M in the main window, then wait until the lists are read."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window, Qt.Key.Key_M, CTRL | SHIFT)
    qtbot.waitUntil(lambda: window.administration is not None)
    admin = window.administration
    assert admin is not None
    qtbot.waitUntil(lambda: admin.data.current is not None, timeout=10_000)
    admin.activateWindow()
    qtbot.waitUntil(admin.isActiveWindow)
    wait_idle(qtbot, window)
    return admin


def go_to(qtbot, admin: AdministrationWindow, number: int) -> QWidget:
    """Alt+number: that page, the keys in its list."""
    QTest.keyClick(QApplication.focusWidget() or admin, Qt.Key(Qt.Key.Key_0 + number), ALT)
    qtbot.waitUntil(lambda: admin.page_list.currentRow() == number - 1)
    page = admin.stack.currentWidget()
    assert page is not None
    return page


def wait_dialog(qtbot, page) -> QWidget:
    qtbot.waitUntil(lambda: page.dialog is not None)
    dialog = page.dialog
    qtbot.waitUntil(lambda: dialog.isVisible() and QApplication.activeWindow() is dialog)
    return dialog


def wait_closed(qtbot, page, admin: AdministrationWindow) -> None:
    qtbot.waitUntil(lambda: page.dialog is None, timeout=10_000)
    admin.activateWindow()  # what the window manager does when a dialog goes
    qtbot.waitUntil(admin.isActiveWindow)


def shot(widget: QWidget, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    widget.grab().save(str(path))
    return path


def field_error(dialog, key: str) -> str:
    _widget, label = dialog._fields[key]
    return "" if label.isHidden() else label.text()


def row_texts(tree, *, hidden_too: bool = False) -> list[str]:
    """Column 0 of every row shown (or every row), depth-first."""
    out: list[str] = []

    def walk(item) -> None:
        if hidden_too or not item.isHidden():
            out.append(item.text(0))
        for n in range(item.childCount()):
            walk(item.child(n))

    for n in range(tree.topLevelItemCount()):
        walk(tree.topLevelItem(n))
    return out
