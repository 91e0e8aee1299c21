"""Input rules with messages a person can act on.

Each function returns the cleaned value or raises `ValidationError` naming the field.
The services run every argument they are given through one of these before anything
reaches the database, so that bad input of any shape (a wrong type, an unknown choice,
an id past the integer column, text no database can store) is refused the same way on
SQLite and PostgreSQL, in Desk's words, with nothing written.

**Text that cannot be stored is cleaned, not refused.** NUL (U+0000) and lone surrogates
(U+D800 to U+DFFF, half of a UTF-16 pair) are removed from every text Desk is given,
on both backends: PostgreSQL cannot store NUL, neither database can encode a lone
surrogate, and neither shows in anything a person can read, so removing them loses
nothing a reader could see, while refusing would leave the person hunting for an
invisible character in a pasted log. Every other character is kept as typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from enum import Enum, IntEnum
from typing import Any, TypeVar

from .errors import FieldProblem, ValidationError
from .model import ID_MAX, Customer, TicketStatus
from .queues import QueueFilter, QueueQuery, SortKey

E = TypeVar("E", bound=Enum)

SUBJECT_MAX = 200
NAME_MAX = 120
ORGANISATION_MAX = 120
EMAIL_MAX = 254
ASSET_MAX = 100
TEXT_MAX = 100_000  # a description, reply or note: generous, but not a pasted log file
LOGIN_MAX = 64
TEAM_NAME_MAX = 80
CATEGORY_NAME_MAX = 80
CALENDAR_NAME_MAX = 80  # a business calendar's or an SLA plan's name

DEFAULT_PHONE_REGION = "US"


SEARCH_TEXT_MAX = 200  # characters in a search box
SEARCH_WORDS_MAX = 20  # words: each is one more index probe, on both backends
LIST_MAX = 10_000  # ids in one request (a bulk action, rows to refresh)
PAGE_MAX = 10_000  # rows in one page of a queue or search

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _shown(value: object) -> str:
    """A value as a message quotes it: short, and printable whatever it holds."""
    text = repr(value) if not isinstance(value, str) else value
    text = _UNSTORABLE.sub("", text)
    return text if len(text) <= 40 else text[:37] + "..."


def storable(field: str, label: str, value: object) -> str:
    """`value` as text Desk can store: None is empty; NUL and lone surrogates are
    removed (see the module's docstring); anything that is not text is refused."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError.single(field, f"{label} must be text, not “{_shown(value)}”.")
    return _UNSTORABLE.sub("", value)


def clean_id(field: str, label: str, value: object, *, optional: bool = False) -> Any:
    """A record's id: a whole number from 1 to ID_MAX (PostgreSQL's integer, and the same
    on SQLite). None only when `optional`; then None is returned."""
    a = "an" if label[:1] in "aeiou" else "a"
    if value is None:
        if optional:
            return None
        raise ValidationError.single(field, f"Choose {a} {label}.")
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError.single(field, f"“{_shown(value)}” is not {a} {label}'s number.")
    if not 1 <= value <= ID_MAX:
        raise ValidationError.single(
            field, f"There is no {label} {value}: numbers run from 1 to {ID_MAX:,}."
        )
    return int(value)


def clean_ids(field: str, label: str, values: object) -> list[int]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ValidationError.single(field, f"“{_shown(values)}” is not a list of {label}s.")
    found = list(values)
    if len(found) > LIST_MAX:
        raise ValidationError.single(
            field, f"At most {LIST_MAX:,} {label}s at once; these are {len(found):,}."
        )
    return [clean_id(field, label, value) for value in found]


def clean_count(field: str, label: str, value: object, *, low: int = 0, high: int = ID_MAX) -> int:
    """A whole number from `low` to `high` (an offset, a page size, a score)."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError.single(
            field, f"{label} is a whole number from {low:,} to {high:,}, not “{_shown(value)}”."
        )
    return int(value)


def clean_flag(field: str, label: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValidationError.single(field, f"{label} is yes or no, not “{_shown(value)}”.")
    return value


def clean_choice(field: str, label: str, choices: type[E], value: object) -> E:
    """One of an enumeration's members, given as the member or its stored value."""
    if isinstance(value, choices):
        return value
    numeric = issubclass(choices, IntEnum)
    right_type = (
        isinstance(value, int) and not isinstance(value, bool)
        if numeric
        else (isinstance(value, str))
    )
    if right_type:
        try:
            return choices(value)
        except ValueError:
            pass
    names = ", ".join(str(c.value) if not numeric else c.name.lower() for c in choices)
    raise ValidationError.single(
        field, f"“{_shown(value)}” is not a {label}; it is one of: {names}."
    )


def clean_moment(field: str, label: str, value: object) -> datetime | None:
    """None, or a time that says which time zone it is in (Desk stores UTC)."""
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValidationError.single(
            field, f"{label} must be a time with its time zone, not “{_shown(value)}”."
        )
    return value


def clean_search(value: object, *, field: str = "search") -> str:
    """What was typed in a search box, within the words and characters a search takes."""
    text = " ".join(storable(field, "The search", value).split())
    if len(text) > SEARCH_TEXT_MAX:
        raise ValidationError.single(
            field,
            f"A search is at most {SEARCH_TEXT_MAX} characters; this one has {len(text):,}."
            " Search for fewer, more telling words.",
        )
    count = len(re.findall(r"\w+", text))
    if count > SEARCH_WORDS_MAX:
        raise ValidationError.single(
            field,
            f"A search is at most {SEARCH_WORDS_MAX} words; this one has {count:,}."
            " Search for fewer, more telling words.",
        )
    return text


def _too_long(label: str, limit: int, length: int) -> str:
    return f"{label} is too long: {length:,} characters, at most {limit:,} are allowed."


def clean_text(
    field: str, label: str, value: str | None, *, limit: int, required: bool = False
) -> str:
    text = storable(field, label, value).strip()
    if required and not text:
        raise ValidationError.single(field, f"{label} cannot be empty.")
    if len(text) > limit:
        raise ValidationError.single(field, _too_long(label, limit, len(text)))
    return text


def clean_subject(value: str | None) -> str:
    # A subject is one line: newlines pasted from an email become spaces.
    one_line = " ".join(storable("subject", "Subject", value).split())
    return clean_text("subject", "Subject", one_line, limit=SUBJECT_MAX, required=True)


def clean_body(field: str, label: str, value: str | None, *, required: bool = True) -> str:
    text = storable(field, label, value).strip("\n\r\t ")
    if required and not text:
        raise ValidationError.single(field, f"{label} cannot be empty.")
    if len(text) > TEXT_MAX:
        raise ValidationError.single(field, _too_long(label, TEXT_MAX, len(text)))
    return text


def clean_email(value: str | None, *, field: str = "email") -> str | None:
    """A normalised address, or None when the value is empty."""
    text = storable(field, "Email", value).strip()
    if not text:
        return None
    if len(text) > EMAIL_MAX:
        raise ValidationError.single(field, _too_long("Email", EMAIL_MAX, len(text)))
    from email_validator import EmailNotValidError, validate_email  # 20 ms: not at start-up

    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError.single(
            field, f"“{text}” is not a valid email address: {exc}"
        ) from exc
    return result.normalized.lower()


def clean_phone(
    value: str | None, *, region: str = DEFAULT_PHONE_REGION, field: str = "phone"
) -> str | None:
    """The number in E.164 (+14155550132), or None when the value is empty.

    Numbers without a leading + or 00 are read as numbers of `region`.
    """
    import phonenumbers  # 40 ms: imported when a number is first met, not at start-up

    text = storable(field, "The phone number", value).strip()
    if not text:
        return None
    region = storable("region", "The phone region", region).strip().upper() or "US"
    # "00" is the international prefix of most of the world, whatever the region.
    dialled = "+" + text[2:] if text.startswith("00") else text
    try:
        number = phonenumbers.parse(dialled, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError.single(
            field,
            f"“{text}” is not a phone number."
            f" Type it with its area code, e.g. {example_phone(region)}.",
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError.single(
            field,
            f"“{text}” is not a valid phone number"
            f" for {phonenumbers.region_code_for_number(number) or region}."
            " Check the digits and the country code.",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def example_phone(region: str) -> str:
    """A number of `region` as people there write it (0121 234 5678 in GB), for hints."""
    import phonenumbers  # 40 ms: imported when a number is first met, not at start-up

    number = phonenumbers.example_number(region)
    if number is None:
        return "+1 415 555 0132"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def phone_regions() -> list[str]:
    """The countries (ISO 3166 codes) whose phone numbers Desk can read."""
    import phonenumbers  # 40 ms: imported when a number is first met, not at start-up

    return sorted(phonenumbers.SUPPORTED_REGIONS)


def phone_country_code(region: str) -> int:
    """The code a number of `region` is dialled with from abroad (44 for GB)."""
    import phonenumbers  # 40 ms: imported when a number is first met, not at start-up

    return phonenumbers.country_code_for_region(region)


def clean_phone_region(value: str | None, *, field: str = "phone_region") -> str:
    """A country code Desk reads phone numbers of ("gb " becomes "GB")."""
    import phonenumbers  # 40 ms: imported when a number is first met, not at start-up

    code = storable(field, "The country", value).strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError.single(
            field,
            f"“{_shown(value or '')}” is not a country Desk knows phone numbers of."
            " Pick one from the list.",
        )
    return code


def phone_lookup_digits(text: str, region: str) -> str | None:
    """The digits a number typed in a lookup box starts with, as `phone_search_keys` stores
    them: E.164 digits for a whole or international number, the national number for a part
    of one dialled the way `region` dials ("020 79" in GB, "8 (495) 12" in RU). None when
    the text is not read as a number at all."""
    import phonenumbers  # 40 ms: imported when a number is first met, not at start-up

    stripped = text.strip()
    dialled = "+" + stripped[2:] if stripped.startswith("00") else stripped
    try:
        number = phonenumbers.parse(dialled, region, keep_raw_input=True)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_valid_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]
    if number.country_code_source == phonenumbers.CountryCodeSource.FROM_DEFAULT_COUNTRY:
        # Part of a national number, as dialled: without the trunk prefix ("0" in GB,
        # "8" in RU, "06" in HU) and leading zeros, like the stored national number.
        digits = "".join(ch for ch in stripped if ch.isdigit())
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
        trunk = metadata.national_prefix if metadata is not None else None
        if trunk and digits.startswith(trunk) and len(digits) > len(trunk):
            digits = digits[len(trunk) :]
        return digits.lstrip("0") or None
    national = str(number.national_number) if number.national_number else ""
    return f"{number.country_code}{national}"


def format_phone(e164: str | None) -> str:
    """An E.164 number as people write it (+1 415-555-0132)."""
    import phonenumbers  # 40 ms: imported when a number is first met, not at start-up

    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_search_keys(e164: str) -> tuple[str, ...]:
    """Digit strings a caller's number can be found by: international and national."""
    import phonenumbers  # 40 ms: imported when a number is first met, not at start-up

    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return ()
    national = str(number.national_number)
    return (e164.lstrip("+"), national)


def collect(*checks: Callable[[], object]) -> list[Any]:
    """Run several field checks and report every problem at once, not only the first."""
    values: list[Any] = []
    problems: list[FieldProblem] = []
    for check in checks:
        try:
            values.append(check())
        except ValidationError as exc:
            problems.extend(exc.problems)
            values.append(None)
    if problems:
        raise ValidationError(problems)
    return values


def clean_customer(
    name: str,
    email: str = "",
    phone: str = "",
    organisation: str = "",
    *,
    region: str = DEFAULT_PHONE_REGION,
) -> Customer:
    """A new caller's details, checked all at once so every bad field gets its message."""
    name, email, phone, organisation = collect(
        lambda: clean_text(
            "name",
            "The caller's name",
            " ".join(storable("name", "The caller's name", name).split()),
            limit=NAME_MAX,
            required=True,
        ),
        lambda: clean_email(email),
        lambda: clean_phone(phone, region=region),
        lambda: clean_text("organisation", "Organisation", organisation, limit=ORGANISATION_MAX),
    )
    return Customer(None, name, email, phone, organisation)


def clean_query(query: object) -> QueueQuery:
    """A queue's filter, sort and search, every part checked."""
    if not isinstance(query, QueueQuery):
        raise ValidationError.single("queue", f"“{_shown(query)}” is not a queue.")
    spec = query.filter
    if not isinstance(spec, QueueFilter):
        raise ValidationError.single("queue", f"“{_shown(spec)}” is not a queue's filter.")
    statuses = spec.statuses
    if statuses is not None:
        if isinstance(statuses, (str, bytes)) or not isinstance(statuses, Iterable):
            raise ValidationError.single(
                "status", f"“{_shown(statuses)}” is not a set of statuses."
            )
        statuses = frozenset(
            clean_choice("status", "status", TicketStatus, status) for status in statuses
        )
    cleaned = QueueFilter(
        statuses=statuses,
        team_id=clean_id("team", "team", spec.team_id, optional=True),
        assignee_id=clean_id("assignee", "agent", spec.assignee_id, optional=True),
        unassigned=clean_flag("unassigned", "Unassigned", spec.unassigned),
        due_before=clean_moment("due_before", "Due before", spec.due_before),
        due_from=clean_moment("due_from", "Due from", spec.due_from),
        at_risk_before=clean_moment("at_risk_before", "At risk before", spec.at_risk_before),
        updated_since=clean_moment("updated_since", "Updated since", spec.updated_since),
        customer_id=clean_id("customer", "customer", spec.customer_id, optional=True),
    )
    return QueueQuery(
        filter=cleaned,
        sort=clean_choice("sort", "column to sort by", SortKey, query.sort),
        descending=clean_flag("descending", "Descending", query.descending),
        text=clean_search(query.text),
    )
