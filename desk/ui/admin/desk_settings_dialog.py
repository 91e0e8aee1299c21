"""Desk › Desk settings… (and Administration › Desk settings): what every agent's Desk
shares (admins): the desk's name, its country for phone numbers, the ticket number
prefix; and the first run's guess of the desk's country from the computer's own."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from desk.domain.search import fold
from desk.domain.validation import DEFAULT_PHONE_REGION, phone_country_code, phone_regions
from desk.services import desk_settings

from ..common.dialogs import FormDialog, error_text
from ..common.labels import tr
from ..common.session import DeskSession
from ..common.tasks import TaskRunner


def system_phone_region() -> str:
    """The country this computer is set to (ISO code), or Desk's default when it says none
    or one without phone numbers of its own."""
    code = QLocale.territoryToCode(QLocale.system().territory())
    return code if code in phone_regions() else DEFAULT_PHONE_REGION


def region_name(code: str) -> str:
    """ "United Kingdom (+44)": a country as the list of phone countries shows it."""
    territory = QLocale.codeToTerritory(code)
    name = (
        code if territory == QLocale.Country.AnyTerritory else QLocale.territoryToString(territory)
    )
    return tr("{country} (+{code})").format(country=name, code=phone_country_code(code))


def region_combo(current: str) -> QComboBox:
    """Every country Desk reads numbers of, by name; type any part of a name to find it."""
    box = QComboBox(objectName="phoneRegion")
    box.setEditable(True)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    box.completer().setFilterMode(Qt.MatchFlag.MatchContains)
    box.completer().setCompletionMode(box.completer().CompletionMode.PopupCompletion)
    for code in sorted(phone_regions(), key=lambda c: region_name(c).casefold()):
        box.addItem(region_name(code), code)
    box.setCurrentIndex(max(0, box.findData(current)))
    return box


def typed_region(box: QComboBox) -> str:
    """The country the agent typed or picked: the one whose name holds what is typed;
    the typed text itself (for the service to refuse) when none or several do."""
    text = box.currentText().strip()
    if text == box.itemText(box.currentIndex()):
        return str(box.currentData())
    typed = fold(text)
    names = {n: fold(box.itemText(n)) for n in range(box.count())}
    found = [n for n, name in names.items() if name == typed or name.startswith(typed + " (")]
    found = found or [n for n, name in names.items() if typed in name]
    if len(found) == 1:
        box.setCurrentIndex(found[0])
        return str(box.currentData())
    return text


class DeskSettingsDialog(FormDialog):
    """The desk's shared settings. Saving runs in the background; the dialog stays open
    with the problem at its field until the change is stored."""

    def __init__(
        self,
        session: DeskSession,
        runner: TaskRunner,
        current: desk_settings.DeskSettings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            tr("Desk settings"),
            tr("These settings are the same for every agent of this desk."),
            tr("Save"),
            parent,
        )
        self.setObjectName("deskSettings")
        self.setMinimumWidth(520)
        self._session = session
        self._runner = runner
        self.desk_name = self.add_field(
            "desk_name", tr("Desk's name"), QLineEdit(current.desk_name, objectName="deskName")
        )
        self.region = self.add_field(
            "phone_region", tr("Country for phone numbers"), region_combo(current.phone_region)
        )
        self.region.setToolTip(
            tr("Numbers typed without a country code are read as numbers of this country.")
        )
        self.prefix = self.add_field(
            "ticket_prefix",
            tr("Ticket numbers start with"),
            QLineEdit(current.ticket_prefix, objectName="ticketPrefix"),
        )
        self.prefix.setToolTip(
            tr("HD- gives HD-000123. Numbers already given out are still found by their old form.")
        )
        self._before = current
        self.saved: desk_settings.DeskSettings | None = None
        self.saved_region: str | None = None
        self.submitted.connect(self._on_submitted)

    def show_problem(self, exc: BaseException) -> None:
        super().show_problem(exc)
        self.adjustSize()  # room for the message under the field, not over the buttons

    def first_field(self) -> QWidget | None:
        return self.region  # the setting most often changed

    def _on_submitted(self, _values: dict[str, object]) -> None:
        db, me, region = self._session.db, self._session.agent_id, typed_region(self.region)
        name, prefix = self.desk_name.text(), self.prefix.text()
        self._runner.run(
            lambda: desk_settings.save_settings(
                db, me, desk_name=name, phone_region=region, ticket_prefix=prefix
            ),
            self._on_saved,
            self.show_problem,
            what=tr("Saving the desk settings"),
        )

    def _on_saved(self, saved: desk_settings.DeskSettings) -> None:
        self.saved = saved
        if saved.phone_region != self._before.phone_region:
            self.saved_region = saved.phone_region
        self.accept()


def edit_desk_settings(
    session: DeskSession,
    runner: TaskRunner,
    parent: QWidget,
    on_message: Callable[[str], None],
) -> None:
    """Read the settings, then open the dialog on them; say what was saved."""

    def show(current: desk_settings.DeskSettings) -> None:
        dialog = DeskSettingsDialog(session, runner, current, parent)

        def finished(accepted: int) -> None:
            if accepted and dialog.saved_region is not None:
                on_message(
                    tr(
                        "Phone numbers without a country code are now read as numbers of {country}."
                    ).format(country=region_name(dialog.saved_region))
                )
            elif accepted:
                on_message(tr("Saved the desk settings."))
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()

    db = session.db
    runner.run(
        lambda: desk_settings.read_settings(db),
        show,
        lambda exc: on_message(error_text(exc)),
        what=tr("Reading the desk settings"),
    )
