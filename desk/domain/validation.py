"""Input rules with messages a person can act on.

Each function returns the cleaned value or raises `ValidationError` naming the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import FieldProblem, ValidationError
from .model import Customer

SUBJECT_MAX = 200
NAME_MAX = 120
ORGANISATION_MAX = 120
EMAIL_MAX = 254
ASSET_MAX = 100
TEXT_MAX = 100_000  # a description, reply or note: generous, but not a pasted log file
LOGIN_MAX = 64
TEAM_NAME_MAX = 80
CATEGORY_NAME_MAX = 80

DEFAULT_PHONE_REGION = "US"


def _too_long(label: str, limit: int, length: int) -> str:
    return f"{label} is too long: {length:,} characters, at most {limit:,} are allowed."


def clean_text(
    field: str, label: str, value: str | None, *, limit: int, required: bool = False
) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError.single(field, f"{label} cannot be empty.")
    if len(text) > limit:
        raise ValidationError.single(field, _too_long(label, limit, len(text)))
    return text


def clean_subject(value: str | None) -> str:
    # A subject is one line: newlines pasted from an email become spaces.
    one_line = " ".join((value or "").split())
    return clean_text("subject", "Subject", one_line, limit=SUBJECT_MAX, required=True)


def clean_body(field: str, label: str, value: str | None, *, required: bool = True) -> str:
    text = (value or "").strip("\n\r\t ")
    if required and not text:
        raise ValidationError.single(field, f"{label} cannot be empty.")
    if len(text) > TEXT_MAX:
        raise ValidationError.single(field, _too_long(label, TEXT_MAX, len(text)))
    return text


def clean_email(value: str | None, *, field: str = "email") -> str | None:
    """A normalised address, or None when the value is empty."""
    text = (value or "").strip()
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

    text = (value or "").strip()
    if not text:
        return None
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

    code = (value or "").strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError.single(
            field,
            f"“{value or ''}” is not a country Desk knows phone numbers of."
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
            "name", "The caller's name", " ".join(name.split()), limit=NAME_MAX, required=True
        ),
        lambda: clean_email(email),
        lambda: clean_phone(phone, region=region),
        lambda: clean_text("organisation", "Organisation", organisation, limit=ORGANISATION_MAX),
    )
    return Customer(None, name, email, phone, organisation)
