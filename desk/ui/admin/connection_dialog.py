"""File › Connect to a database…: the local file, or a shared PostgreSQL server.

"Test connection" reaches the database in the background without changing it and says
what is there, or what is wrong, at the field to fix. "Connect" opens it (creating or
upgrading Desk's schema), remembers or forgets the server's password in the operating
system's credential store as asked, and emits `connected`; the owner remembers the choice
and moves the desk onto the new database.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)

from desk.domain.errors import BadDatabaseURL, DatabaseError, DatabaseUnavailable, ValidationError
from desk.services import connection
from desk.services.connection import Connected, DatabaseChoice
from desk.services.database import test_connection

from ..common.dialogs import FormDialog
from ..common.labels import tr
from ..common.tasks import TaskRunner

SERVER_FIELDS = ("host", "port", "database", "user", "password", "remember")


class ConnectionDialog(FormDialog):
    #: The database was opened: a `Connected` (the database, the choice, any warning).
    connected = Signal(object)
    #: An unreachable server can keep Connect waiting; Cancel gives up on it.
    cancel_while_working = True

    def __init__(
        self,
        current_url: str,
        local_default: Path,
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            tr("Connect to a database"),
            tr(
                "Work on your own in a database file on this computer, or with your team "
                "on a shared PostgreSQL server."
            ),
            tr("Connect"),
            parent,
        )
        self.setObjectName("connectionDialog")
        self.setMinimumWidth(520)
        self._runner = runner
        self._local_default = local_default
        #: What Connect opened, once it has.
        self.result_connection: Connected | None = None

        self.local_button = QRadioButton(tr("A file on this computer"))
        self.server_button = QRadioButton(tr("A shared server (PostgreSQL)"))
        where = QWidget()
        where_layout = QHBoxLayout(where)
        where_layout.setContentsMargins(0, 0, 0, 0)
        where_layout.addWidget(self.local_button)
        where_layout.addWidget(self.server_button)
        where_layout.addStretch(1)
        self._where = QButtonGroup(self)
        self._where.addButton(self.local_button)
        self._where.addButton(self.server_button)
        self.add_field("where", tr("Database"), where)

        self.file = QLineEdit(objectName="databaseFile")
        browse = QPushButton(tr("Browse…"))
        browse.clicked.connect(self._on_browse_clicked)
        self.add_field("file", tr("File"), self.file, beside=browse)
        self.host = self.add_field("host", tr("Server"), QLineEdit())
        self.host.setPlaceholderText(tr("name or address, e.g. helpdesk-db.example.org"))
        self.port = self.add_field("port", tr("Port"), QLineEdit())
        self.database = self.add_field("database", tr("Database name"), QLineEdit())
        self.user = self.add_field("user", tr("User name"), QLineEdit())
        self.password = self.add_field("password", tr("Password"), QLineEdit())
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = self.add_field(
            "remember", "", QCheckBox(tr("Remember the password on this computer"))
        )
        self.remember.setToolTip(
            tr("Kept in the system's credential store (on Windows, the Credential Manager).")
        )

        self.test_result = QLabel(objectName="testResult", wordWrap=True)
        self.test_result.hide()
        self.layout().insertWidget(self.layout().indexOf(self.general_error), self.test_result)
        self.test_button = self.buttons.addButton(
            tr("Test connection"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.test_button.clicked.connect(self._on_test_button_clicked)
        self.submitted.connect(self._on_submitted)
        self.local_button.toggled.connect(self._on_local_button_toggled)
        self._fill(current_url)

    # --- what is shown ------------------------------------------------------------------------

    def _fill(self, current_url: str) -> None:
        try:
            current = connection.choice_from_url(current_url)
        except BadDatabaseURL:
            current = DatabaseChoice(local_file=self._local_default)
        self.file.setText(str(current.local_file or self._local_default))
        server = current.server
        self.host.setText(server.host if server else "")
        self.port.setText(str(server.port if server else connection.DEFAULT_PORT))
        self.database.setText(server.database if server else "desk")
        self.user.setText(server.user if server else "")
        self.server_button.setChecked(server is not None)
        self.local_button.setChecked(server is None)
        self._on_local_button_toggled(server is None)
        if server is not None:  # the credential store may be slow to answer (or ask)
            self._runner.run(
                lambda: connection.saved_password(server), self._on_saved_password, lambda _e: None
            )

    def first_field(self) -> QWidget | None:
        """The first box still empty (the password of a remembered server, say)."""
        for key in ("file", *SERVER_FIELDS):
            widget = self.field(key)
            if isinstance(widget, QLineEdit) and widget.isVisible() and not widget.text():
                return widget
        return super().first_field()

    def _on_saved_password(self, password: str | None) -> None:
        if password and not self.password.text():
            self.password.setText(password)
            self.set_untouched(self.password)  # Desk filled it in, not the person
            self.remember.setChecked(True)

    def _on_local_button_toggled(self, local: bool) -> None:
        self.set_field_visible("file", local)
        for key in SERVER_FIELDS:
            self.set_field_visible(key, not local)
        self.test_result.hide()
        self.general_error.hide()
        self._fit()

    def _on_browse_clicked(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self,
            tr("Desk database file"),
            self.file.text() or str(self._local_default),
            tr("Desk database (*.sqlite3);;All files (*)"),
            options=QFileDialog.Option.DontConfirmOverwrite,  # an existing desk is welcome
        )
        if path:
            self.file.setText(path)

    def choice(self) -> DatabaseChoice:
        """What the fields say; raises ValidationError naming the fields to fix."""
        if self.local_button.isChecked():
            return connection.local_database(self.file.text())
        return connection.shared_server(
            self.host.text(), self.port.text(), self.database.text(), self.user.text()
        )

    # --- testing and connecting ---------------------------------------------------------------

    def _on_test_button_clicked(self) -> None:
        try:
            url = self.choice().url(self.password.text())
        except ValidationError as exc:
            self.show_problem(exc)
            return
        self.show_problem(None)
        self.set_working(True)
        self._show_result(tr("Trying to reach the database…"), "working")
        self._runner.run(
            lambda: test_connection(url), self._on_tested, self.show_problem, what="test"
        )

    def _on_tested(self, description: str) -> None:
        self.set_working(False)
        self._show_result(tr("✓ Reached it. {what}").format(what=description), "ok")

    def _on_submitted(self, _values: dict) -> None:
        try:
            choice = self.choice()
        except ValidationError as exc:
            self.show_problem(exc)
            return
        self.show_problem(None)
        self.set_working(True)
        password, remember = self.password.text(), self.remember.isChecked()
        self._show_result(tr("Opening the database…"), "working")
        self._runner.run(
            lambda: connection.connect(
                choice, "" if choice.is_local else password, remember=remember
            ),
            self._on_connect_done,
            self.show_problem,
            what="connect",
        )

    def _on_connect_done(self, result: Connected) -> None:
        if not self.isVisible():  # cancelled while it was opening: nobody wants it now
            result.db.close()
            return
        self.result_connection = result
        self.accept()
        self.connected.emit(result)

    # --- problems -------------------------------------------------------------------------------

    def show_problem(self, exc: BaseException | None) -> None:  # type: ignore[override]
        """At the field to fix where there is one; None clears every problem shown."""
        self.test_result.hide()
        if exc is None:
            super().show_problem(ValidationError([]))
            return
        if isinstance(exc, DatabaseUnavailable) and exc.field in SERVER_FIELDS:
            exc = ValidationError.single(exc.field, exc.message)
        elif isinstance(exc, DatabaseError) and self.local_button.isChecked():
            exc = ValidationError.single("file", exc.message)
        super().show_problem(exc)
        self._fit()

    def _fit(self) -> None:
        # Grow or shrink to the rows and messages now shown, once the layout has them.
        QTimer.singleShot(0, self.adjustSize)

    def set_working(self, working: bool) -> None:
        super().set_working(working)
        self.test_button.setEnabled(not working)

    def _show_result(self, text: str, state: str) -> None:
        self.test_result.setText(text)
        self.test_result.setProperty("state", state)
        self.test_result.style().polish(self.test_result)
        self.test_result.show()
        self._fit()
