"""Free text as words, the one definition every engine matches by (pure).

A word is a run of letters or digits (Unicode), compared without case and without accents, so
"Café" finds "cafe". SQLite FTS5's unicode61 tokenizer and OpenSearch's standard tokenizer with
lowercase and asciifolding filters split and fold text the same way for these words."""

import re
import unicodedata

MAX_WORDS = 10
_WORD = re.compile(r"[^\W_]+")


def words_of(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in folded if not unicodedata.combining(c))
    return _WORD.findall(stripped)
