"""Administration › Business hours: the desk's calendars, each a time zone, opening hours
per weekday (one or more spans, up to 24:00; or open 24/7) and holidays (whole or part
days, one-off or every year), pre-filled from the public holidays of a country and region.

A page of the Administration window: `CalendarsPage.create(session, hub)`. Each weekday's
hours are checked as they are typed and said at the field; what the service refuses on
saving is said at the field too. Saving over a calendar someone else saved meanwhile is
refused (its version), and open tickets are recomputed in the background afterwards.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime
from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.domain.calendars import BusinessCalendar
from desk.domain.errors import ValidationError
from desk.domain.opening_hours import ALL_DAY, Holiday, Span, parse_spans
from desk.services import sla

from ..common.change_hub import ChangeHub
from ..common.labels import tr
from ..common.session import DeskSession
from .service_level_page import ID_ROLE, ServiceLevelPage


def weekdays() -> list[str]:
    return [
        tr("Monday"), tr("Tuesday"), tr("Wednesday"), tr("Thursday"),
        tr("Friday"), tr("Saturday"), tr("Sunday"),
    ]  # fmt: skip


@cache
def time_zones() -> list[str]:
    return sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC")


def spans_text(spans: tuple[Span, ...]) -> str:
    return ", ".join(
        f"{s.start // 60:02d}:{s.start % 60:02d}-{s.end // 60:02d}:{s.end % 60:02d}" for s in spans
    )


class CalendarsPage(ServiceLevelPage):
    """The list of calendars on the left, the chosen one's editor on the right."""

    @staticmethod
    def title() -> str:
        return tr("Business hours")

    def __init__(
        self, session: DeskSession, hub: ChangeHub | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(session, hub, parent)
        self.setObjectName("calendarsPage")
        self.calendars: dict[int, BusinessCalendar] = {}
        self.version_infos: dict[int, tuple[sla.SavedVersionInfo, ...]] = {}
        self.editing: BusinessCalendar | None = None  # None: a new calendar
        self.list = QListWidget(objectName="calendarList")
        self.list.currentItemChanged.connect(self._on_list_current_item_changed)
        self.new_button = QPushButton(tr("New calendar"), objectName="newCalendar")
        self.new_button.clicked.connect(self.new_calendar)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name = QLineEdit(objectName="calendarName")
        form.addRow(tr("Name"), self.with_error("name", self.name))
        self.zone = QComboBox(objectName="calendarZone")
        self.zone.setEditable(True)
        self.zone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.zone.addItems(time_zones())
        self.zone.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        form.addRow(tr("Time zone"), self.with_error("zone", self.zone))
        self.always = QCheckBox(tr("Open 24/7 (every hour of every day, no gap at midnight)"))
        self.always.toggled.connect(self._on_always_toggled)
        form.addRow("", self.always)
        self.days: list[QLineEdit] = []
        for n, day in enumerate(weekdays()):
            field = QLineEdit(objectName=f"hours{n}")
            field.setPlaceholderText(tr("closed"))
            field.setToolTip(tr("Spans such as 09:00-12:30, 13:30-17:00; 00:00-24:00 all day"))
            field.textEdited.connect(lambda _t, n=n: self.check_day(n))
            self.days.append(field)
            form.addRow(day, self.with_error(f"hours:{n}", field))
        self.hours_error = self.error_line("hours")
        form.addRow("", self.hours_error)

        self.holidays = QTableWidget(0, 4, objectName="holidays")
        self.holidays.setHorizontalHeaderLabels(
            [tr("Date"), tr("Name"), tr("Closed hours"), tr("Every year")]
        )
        self.holidays.horizontalHeaderItem(2).setToolTip(
            tr("Empty: closed all day; or the hours closed, such as 13:00-24:00")
        )
        header = self.holidays.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 110), (2, 150), (3, 90)):
            self.holidays.setColumnWidth(column, width)
        self.holidays.verticalHeader().hide()
        self.holidays.setMinimumHeight(160)
        self.add_holiday_button = QPushButton(tr("Add holiday"))
        self.add_holiday_button.clicked.connect(lambda: self.add_holiday_row(Holiday(date.today())))
        self.remove_holiday_button = QPushButton(tr("Remove holiday"))
        self.remove_holiday_button.clicked.connect(self._remove_holiday)
        self.country = QLineEdit(objectName="holidayCountry")
        self.country.setPlaceholderText(tr("Country, e.g. GB"))
        self.region = QLineEdit(objectName="holidayRegion")
        self.region.setPlaceholderText(tr("Region (optional), e.g. SCT"))
        for short in (self.country, self.region):  # wide enough to read what to type
            short.setMinimumWidth(
                short.fontMetrics().horizontalAdvance(short.placeholderText()) + 32
            )
            short.setSizePolicy(QSizePolicy.Policy.Fixed, short.sizePolicy().verticalPolicy())
        self.prefill_button = QPushButton(tr("Pre-fill public holidays"), objectName="prefill")
        self.prefill_button.clicked.connect(self.prefill)
        holiday_buttons = QHBoxLayout()
        holiday_buttons.addWidget(self.add_holiday_button)
        holiday_buttons.addWidget(self.remove_holiday_button)
        holiday_buttons.addStretch(1)
        prefill = QHBoxLayout()
        top = Qt.AlignmentFlag.AlignTop  # a problem under one field moves none of the others
        prefill.addWidget(self.with_error("country", self.country), 0, top)
        prefill.addWidget(self.with_error("subdivision", self.region), 0, top)
        prefill.addWidget(self.prefill_button, 0, top)
        prefill.addStretch(1)
        self.holidays_error = self.error_line("holidays")

        self.save_button = QPushButton(tr("Save calendar"), objectName="primary")
        self.save_button.clicked.connect(self.save)

        right = QWidget(objectName="calendarEditor")
        right_layout = QVBoxLayout(right)
        right_layout.addLayout(form)
        right_layout.addWidget(QLabel(tr("Holidays"), objectName="sectionHeading"))
        right_layout.addWidget(self.holidays, 1)
        right_layout.addWidget(self.holidays_error)
        right_layout.addLayout(holiday_buttons)
        right_layout.addLayout(prefill)
        self.versions = self.versions_list("calendarVersions")
        right_layout.addWidget(QLabel(tr("Versions"), objectName="sectionHeading"))
        right_layout.addWidget(self.versions)
        self.list_and_editor(self.list, self.new_button, right)
        self.new_calendar()
        self.reload()

    def check_day(self, n: int) -> bool:
        """The weekday's hours, checked as typed: the problem shows under the field."""
        try:
            parse_spans(self.days[n].text())
        except ValidationError as exc:
            self.show_error(f"hours:{n}", exc.message)
            return False
        self.show_error(f"hours:{n}", None)
        return True

    # --- reading ---------------------------------------------------------------------

    def show_levels(self, levels: sla.ServiceLevels) -> None:
        self.calendars = {c.id: c for c in levels.calendars if c.id is not None}
        self.version_infos = dict(levels.calendar_versions)
        if self.editing is not None and self.editing.id is not None:
            self.show_versions(self.versions, self.version_infos.get(self.editing.id, ()))
        chosen = self.editing.id if self.editing is not None else None
        self.list_names(self.list, [(c.name, c.id) for c in levels.calendars], chosen)
        if chosen is not None and chosen in self.calendars:
            newer = self.calendars[chosen]
            if self.editing is not None and newer.version != self.editing.version:
                self.message.setText(
                    tr("Someone saved this calendar meanwhile: what they saved is shown.")
                )
                self.edit(newer)

    def _on_list_current_item_changed(self, item: QListWidgetItem | None, _previous) -> None:
        if item is not None and (calendar := self.calendars.get(item.data(ID_ROLE))):
            self.edit(calendar)

    # --- editing ---------------------------------------------------------------------

    def new_calendar(self) -> None:
        self.edit(
            BusinessCalendar.weekly("Europe/London", {d: "09:00-17:00" for d in range(5)}, name=""),
            new=True,
        )
        self.list.clearSelection()
        self.name.setFocus()

    def edit(self, calendar: BusinessCalendar, *, new: bool = False) -> None:
        self.editing = None if new else calendar
        self.clear_errors()
        self.name.setText(calendar.name)
        self.zone.setCurrentText(calendar.zone)
        always = calendar.is_always_open
        self.always.setChecked(always)
        for n, field in enumerate(self.days):
            field.setText(spans_text(calendar.week[n]))
            field.setEnabled(not always)
        self.holidays.setRowCount(0)
        for holiday in calendar.holidays:
            self.add_holiday_row(holiday)
        self.show_versions(
            self.versions, () if new else self.version_infos.get(calendar.id or 0, ())
        )
        self.message.setText(
            tr("A new calendar.") if new else tr("Version {v}.").format(v=calendar.version)
        )

    def _on_always_toggled(self, always: bool) -> None:
        for n, field in enumerate(self.days):
            if always:
                field.setText("00:00-24:00")
                self.show_error(f"hours:{n}", None)
            field.setEnabled(not always)

    def add_holiday_row(self, holiday: Holiday) -> None:
        row = self.holidays.rowCount()
        self.holidays.insertRow(row)
        closed = "" if holiday.whole_day else spans_text(holiday.closed)
        for column, text in enumerate((holiday.day.isoformat(), holiday.name, closed)):
            self.holidays.setItem(row, column, QTableWidgetItem(text))
        yearly = QTableWidgetItem()
        yearly.setFlags(
            Qt.ItemFlag.ItemIsUserCheckable
            | Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
        )
        yearly.setCheckState(
            Qt.CheckState.Checked if holiday.every_year else Qt.CheckState.Unchecked
        )
        self.holidays.setItem(row, 3, yearly)

    def _remove_holiday(self) -> None:
        rows = sorted({i.row() for i in self.holidays.selectedIndexes()}, reverse=True)
        if not rows and self.holidays.currentRow() >= 0:
            rows = [self.holidays.currentRow()]
        for row in rows:
            self.holidays.removeRow(row)

    def holiday_values(self) -> list[Holiday]:
        """The table's holidays; a row that is not one is said at the table, by its row."""
        found = []
        for row in range(self.holidays.rowCount()):

            def cell(column: int, row: int = row) -> str:
                item = self.holidays.item(row, column)
                return item.text().strip() if item is not None else ""

            try:
                day = date.fromisoformat(cell(0))
            except ValueError:
                raise ValidationError.single(
                    "holidays",
                    tr("Row {row}: “{text}” is not a date such as 2026-12-25.").format(
                        row=row + 1, text=cell(0)
                    ),
                ) from None
            try:
                closed = parse_spans(cell(2)) if cell(2) else (ALL_DAY,)
                yearly = self.holidays.item(row, 3)
                found.append(
                    Holiday(
                        day,
                        cell(1),
                        closed,
                        yearly is not None and yearly.checkState() == Qt.CheckState.Checked,
                    )
                )
            except ValidationError as exc:
                raise ValidationError.single(
                    "holidays", tr("Row {row}: {problem}").format(row=row + 1, problem=exc.message)
                ) from None
        return found

    def prefill(self) -> None:
        """Add the public holidays of this year and the next for the country and region."""
        self.show_error("country", None)
        self.show_error("subdivision", None)
        country, region = self.country.text(), self.region.text()
        year = datetime.now(UTC).year
        self._ops.run(
            self,
            lambda: sla.public_holidays_for(country, region or None, [year, year + 1]),
            self._on_prefilled,
            self.show_problem,
            what=tr("Reading public holidays"),
        )

    def _on_prefilled(self, found: tuple[Holiday, ...]) -> None:
        have = {h.day for h in self._rows_as_far_as_readable()}
        added = [h for h in found if h.day not in have]
        for holiday in added:
            self.add_holiday_row(holiday)
        self.message.setText(
            tr("{count} public holidays added; save the calendar to keep them.").format(
                count=len(added)
            )
        )

    def _rows_as_far_as_readable(self) -> list[Holiday]:
        try:
            return self.holiday_values()
        except ValidationError:
            return []

    # --- saving ----------------------------------------------------------------------

    def save(self) -> None:
        self.clear_errors()
        bad_days = [n for n in range(7) if not self.check_day(n)]
        try:
            holidays = self.holiday_values()
        except ValidationError as exc:
            self.show_error("holidays", exc.message)
            return
        if bad_days:
            self.days[bad_days[0]].setFocus()
            return
        db, me = self._session.db, self._session.agent_id
        name, zone = self.name.text(), self.zone.currentText().strip()
        hours = [field.text() for field in self.days]
        editing = self.editing
        self.save_button.setEnabled(False)

        def work() -> BusinessCalendar:
            if editing is None or editing.id is None:
                return sla.create_calendar(db, me, name, zone, hours, holidays)
            return sla.update_calendar(
                db, me, editing.id, editing.version, name, zone, hours, holidays
            )

        self._ops.run(
            self,
            work,
            self._on_saved,
            self.show_problem,
            what=tr("Saving the calendar"),
            write=True,
        )

    def _on_saved(self, calendar: BusinessCalendar) -> None:
        self.save_button.setEnabled(True)
        self.editing = calendar
        self.calendars[calendar.id] = calendar  # type: ignore[index]
        self.message.setText(
            tr("Saved. Open tickets' due times are brought up to it in the background.")
        )
        self.recompute_in_background()
        self.reload()
