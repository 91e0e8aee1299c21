"""The application's stylesheet and icon, shipped in desk.resources (the resources/ folder)."""

from __future__ import annotations

from importlib.resources import files

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication


def resource_text(name: str) -> str:
    return files("desk.resources").joinpath(name).read_text(encoding="utf-8")


def apply_style(app: QApplication) -> None:
    app.setStyleSheet(resource_text("style.qss"))
    icon = files("desk.resources").joinpath("desk.svg")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
