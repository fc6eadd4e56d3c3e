"""Reference numbers: short, digits only (typed on a phone keypad), read aloud digit by digit.

A per-tenant sequence plus a Luhn check digit: a mistyped or misheard digit is caught before any
lookup, and numbers stay short (5 digits for the first 9,000 cases of a tenant).
"""

FIRST_SEQUENCE = 1000


def luhn_check_digit(digits: str) -> str:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def reference_number(sequence: int) -> str:
    base = str(FIRST_SEQUENCE + sequence - 1)
    return base + luhn_check_digit(base)


def is_well_formed(reference: str) -> bool:
    return reference.isdigit() and len(reference) >= 2 and luhn_check_digit(reference[:-1]) == reference[-1]


def speakable(reference: str) -> str:
    """"48213" -> "4 8 2 1 3": a text-to-speech voice reads digits, not "forty-eight thousand"."""
    return " ".join(reference)
