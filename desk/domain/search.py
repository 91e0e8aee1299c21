"""What an agent typed into a lookup or search box, as the terms to look for."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+", re.UNICODE)
_PHONEISH = re.compile(r"^[\d\s\-+().]+$")
MIN_PHONE_DIGITS = 3


def fold(text: str) -> str:
    """Lower case without accents: "Émile" and "emile" are the same to someone typing."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def cased_words(text: str) -> list[str]:
    """Lower-case words that keep their accents (for indexes that keep them too)."""
    return _WORD.findall(text.casefold())


def looks_like_phone(text: str) -> bool:
    stripped = text.strip()
    return (
        bool(_PHONEISH.match(stripped)) and sum(ch.isdigit() for ch in stripped) >= MIN_PHONE_DIGITS
    )


def customer_terms(text: str, region: str | None = None) -> list[str]:
    """Prefixes that find a caller: an email as typed, a phone number's digits (any common
    format: +1 (415) 555-0132, 0207 946 0123; a national number as `region`, the desk's
    country, dials it), or each word of a name or organisation."""
    text = text.strip()
    if not text:
        return []
    if "@" in text:
        return [fold(text)]
    if looks_like_phone(text):
        if region is not None:
            from .validation import phone_lookup_digits

            found = phone_lookup_digits(text, region)
            if found:
                return [found]
        digits = "".join(ch for ch in text if ch.isdigit())
        # "00" is the international prefix and a single "0" a trunk prefix: neither is
        # part of the stored E.164 or national number.
        return [digits.removeprefix("00").lstrip("0") or digits]
    return words(text)


PREFIX_MIN = 4  # a shorter last word is matched whole: "out*" would mean out, outlook, outage ...


def text_terms(words_: list[str]) -> list[tuple[str, bool]]:
    """Each word and whether it may match as a prefix: only the last one, which may still
    be half typed, and only when it is long enough to mean something."""
    return [
        (word, n == len(words_) - 1 and len(word) >= PREFIX_MIN) for n, word in enumerate(words_)
    ]
