"""The application's look: the stylesheet in light or dark colours, the palette, the icon.

The stylesheet (desk.resources/style.qss) names its colours (`@surface`, `@accent` …);
a theme fills them in. Desk draws with Qt's Fusion style on every platform so both
themes look the same everywhere and a dark palette is honoured (the native Windows styles
ignore much of a palette).
"""

from __future__ import annotations

import re
from enum import StrEnum
from importlib.resources import files

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QActionGroup, QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from .labels import tr

THEME_SETTING = "view/theme"


class Theme(StrEnum):
    SYSTEM = "system"  # follow the operating system's light or dark setting
    LIGHT = "light"
    DARK = "dark"

    @classmethod
    def from_setting(cls, value: object) -> Theme:
        try:
            return cls(str(value))
        except ValueError:
            return cls.SYSTEM


LIGHT: dict[str, str] = {
    "window": "#f4f6f9",
    "text": "#1f2933",
    "surface": "#ffffff",
    "border": "#e1e5ea",
    "hover": "#eef2f7",
    "disabledText": "#a6aeb8",
    "accent": "#2f6fd6",
    "accentHover": "#275fb8",
    "onAccent": "#ffffff",
    "accentDisabled": "#a9c2ea",
    "onAccentDisabled": "#f4f7fc",
    "inputBorder": "#d3d9e0",
    "searchBackground": "#f7f9fb",
    "sidebar": "#eef1f5",
    "sidebarHover": "#e3e8ef",
    "alternateRow": "#f8fafc",
    "selection": "#dbe8fb",
    "rowLine": "#f0f2f5",
    "headerText": "#52606d",
    "placeholder": "#8a94a3",
    "secondaryText": "#3e4c59",
    "muted": "#6b7785",
    "error": "#c62828",
    "warning": "#b35c00",
    "ok": "#2e8540",
    "rule": "#e6e9ee",
    "buttonBorder": "#cfd6de",
    "buttonHover": "#f1f4f8",
    "cardBorder": "#dde2e8",
    "noteBackground": "#fffbea",
    "noteBorder": "#e8d27a",
}

DARK: dict[str, str] = {
    "window": "#1b1f24",
    "text": "#e3e7ec",
    "surface": "#23282f",
    "border": "#353c45",
    "hover": "#2e353e",
    "disabledText": "#6b7480",
    "accent": "#3b7ee8",
    "accentHover": "#5590ee",
    "onAccent": "#ffffff",
    "accentDisabled": "#34496b",
    "onAccentDisabled": "#8c9bb0",
    "inputBorder": "#434b56",
    "searchBackground": "#1e2329",
    "sidebar": "#1f242a",
    "sidebarHover": "#2b323b",
    "alternateRow": "#272d34",
    "selection": "#2c4468",
    "rowLine": "#2c323a",
    "headerText": "#a9b3bf",
    "placeholder": "#7d8794",
    "secondaryText": "#c3cad3",
    "muted": "#98a2ae",
    "error": "#ef6b6b",
    "warning": "#f0a24b",
    "ok": "#5cc27a",
    "rule": "#353c45",
    "buttonBorder": "#48505b",
    "buttonHover": "#2c333b",
    "cardBorder": "#3a414b",
    "noteBackground": "#3a3420",
    "noteBorder": "#7a6a2c",
}


def resource_text(name: str) -> str:
    return files("desk.resources").joinpath(name).read_text(encoding="utf-8")


def stylesheet(colours: dict[str, str]) -> str:
    """style.qss with its colour names filled in (a name the theme lacks is a KeyError)."""
    return re.sub(r"@(\w+)", lambda m: colours[m.group(1)], resource_text("style.qss"))


def palette(colours: dict[str, str]) -> QPalette:
    """The palette for what the stylesheet leaves alone: menus, scroll bars, message boxes."""
    c = {name: QColor(value) for name, value in colours.items()}
    p = QPalette()
    role = QPalette.ColorRole
    for r, colour in (
        (role.Window, c["window"]),
        (role.WindowText, c["text"]),
        (role.Base, c["surface"]),
        (role.AlternateBase, c["alternateRow"]),
        (role.Text, c["text"]),
        (role.Button, c["surface"]),
        (role.ButtonText, c["text"]),
        (role.BrightText, c["error"]),
        (role.Highlight, c["accent"]),
        (role.HighlightedText, c["onAccent"]),
        (role.ToolTipBase, c["surface"]),
        (role.ToolTipText, c["text"]),
        (role.PlaceholderText, c["placeholder"]),
        (role.Link, c["accent"]),
        (role.Light, c["surface"]),
        (role.Midlight, c["hover"]),
        (role.Mid, c["buttonBorder"]),
        (role.Dark, c["inputBorder"]),
        (role.Shadow, c["border"]),
    ):
        p.setColor(r, colour)
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, r, c["disabledText"])
    return p


def is_dark(widget_palette: QPalette) -> bool:
    """Whether a widget is drawn light on dark (for colours chosen in code, not the sheet)."""
    return widget_palette.color(QPalette.ColorRole.Base).lightness() < 128


def system_is_dark(app: QGuiApplication) -> bool:
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_style(app: QApplication, theme: Theme = Theme.LIGHT) -> bool:
    """Style the application in `theme`; returns True when that came out dark."""
    hints = app.styleHints()
    if theme == Theme.SYSTEM:
        hints.unsetColorScheme()
    else:
        # Tells the platform too, so a Windows title bar turns dark with the window.
        hints.setColorScheme(Qt.ColorScheme.Dark if theme == Theme.DARK else Qt.ColorScheme.Light)
    dark = theme == Theme.DARK or (theme == Theme.SYSTEM and system_is_dark(app))
    colours = DARK if dark else LIGHT
    app.setStyle("Fusion")
    app.setPalette(palette(colours))
    app.setStyleSheet(stylesheet(colours))
    icon = files("desk.resources").joinpath("desk.svg")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return dark


class ThemeChooser(QObject):
    """The theme the person chose (remembered in settings), applied to the application,
    and re-applied when the system switches between light and dark while following it."""

    def __init__(self, app: QApplication, settings: QSettings) -> None:
        super().__init__(app)
        self._app = app
        self._settings = settings
        self.theme = Theme.from_setting(settings.value(THEME_SETTING, Theme.SYSTEM.value))
        self.dark = apply_style(app, self.theme)
        app.styleHints().colorSchemeChanged.connect(self._on_hints_color_scheme_changed)

    def menu(self, parent: QWidget) -> QMenu:
        """View › Theme: follow the system, light or dark, the current one ticked."""
        menu = QMenu(tr("Theme"), parent)
        group = QActionGroup(menu)
        for theme, text in (
            (Theme.SYSTEM, tr("Follow the system")),
            (Theme.LIGHT, tr("Light")),
            (Theme.DARK, tr("Dark")),
        ):
            action = menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(theme == self.theme)
            action.setData(theme.value)
            group.addAction(action)
        group.triggered.connect(lambda action: self.set_theme(Theme(action.data())))
        return menu

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self._settings.setValue(THEME_SETTING, theme.value)
        self.dark = apply_style(self._app, theme)

    def _on_hints_color_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.theme == Theme.SYSTEM:
            self.dark = apply_style(self._app, Theme.SYSTEM)
