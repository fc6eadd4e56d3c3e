"""How a rule reads the conversation: phrase matching and bounded regular expressions.

Phrases match whole words, case-insensitively, whatever punctuation or spacing separates their
words ("unauthorised charge" finds "Unauthorised charge!" and "unauthorised-charge", not
"unauthorised charges"). Regular expressions are a tenant's input run on our CPU, and Python's
`re` has no timeout: so a pattern is short, may not nest quantifiers (the shape of catastrophic
backtracking, e.g. `(a+)+`), nor use backreferences or lookarounds, and only the first
MAX_REGEX_INPUT characters of the text are searched. What remains is at worst polynomial in a
bounded input.
"""

import re
import re._parser as sre_parse  # the stdlib's own parser (3.11+): judge the pattern's structure, not its text
from functools import lru_cache

MAX_REGEX_LENGTH = 200
MAX_REGEX_INPUT = 20_000
_WORD = re.compile(r"\w+")
_REPEATS = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, sre_parse.POSSESSIVE_REPEAT}
_FORBIDDEN = {sre_parse.GROUPREF, sre_parse.GROUPREF_EXISTS, sre_parse.ASSERT, sre_parse.ASSERT_NOT}


def phrase_words(phrase: str) -> list[str]:
    return _WORD.findall(phrase.casefold())


@lru_cache(maxsize=1024)
def _phrase_pattern(phrase: str) -> re.Pattern:
    words = phrase_words(phrase)
    return re.compile(r"(?<!\w)" + r"\W+".join(map(re.escape, words)) + r"(?!\w)", re.IGNORECASE)


def contains_phrase(text: str, phrase: str) -> bool:
    return _phrase_pattern(phrase).search(text) is not None


def check_regex(pattern: str) -> str:
    """The pattern if it is safe to run (see the module's doc); raises ValueError saying why not."""
    if len(pattern) > MAX_REGEX_LENGTH:
        raise ValueError(f"a pattern is at most {MAX_REGEX_LENGTH} characters")
    try:
        parsed = sre_parse.parse(pattern)
    except re.error as error:
        raise ValueError(f"not a valid regular expression: {error}") from None
    _check_tree(parsed, inside_repeat=False)
    return pattern


def _check_tree(nodes, *, inside_repeat: bool) -> None:
    for op, argument in nodes:
        if op in _FORBIDDEN:
            raise ValueError("backreferences and lookarounds are not allowed in a rule's pattern")
        if op in _REPEATS:
            if inside_repeat:
                raise ValueError("nested quantifiers (like (a+)+) are not allowed in a rule's pattern")
            _check_tree(argument[2], inside_repeat=True)
        elif op is sre_parse.SUBPATTERN:
            _check_tree(argument[3], inside_repeat=inside_repeat)
        elif op is sre_parse.BRANCH:
            for branch in argument[1]:
                _check_tree(branch, inside_repeat=inside_repeat)
        elif op is sre_parse.ATOMIC_GROUP:
            _check_tree(argument, inside_repeat=inside_repeat)


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(check_regex(pattern), re.IGNORECASE)


def matches_regex(text: str, pattern: str) -> bool:
    return _compiled(pattern).search(text[:MAX_REGEX_INPUT]) is not None
