"""Does a ``pattern`` compile as a Go regexp (what kro and the API server use)?

Go's ``regexp`` speaks RE2 syntax, so the check compiles the pattern with RE2 (``google-re2``, which
cel-python already depends on). RE2 rejects what Go rejects and Python accepts: lookarounds
``(?=``/``(?!``/``(?<=``, backreferences ``\\1``, atomic groups ``(?>``, possessive quantifiers
``a++``, ``\\Z``, repeat counts over 1000. ``\\C`` (any byte) is RE2-only, so it is rejected here too.
"""

from __future__ import annotations

from functools import lru_cache

_EXPLANATIONS = (
    ("(?=", "lookahead"),
    ("(?!", "negative lookahead"),
    ("(?<=", "lookbehind"),
    ("(?<!", "negative lookbehind"),
    ("(?>", "atomic group"),
)


@lru_cache(maxsize=1024)
def go_regexp_error(pattern: str) -> str | None:
    """Why ``pattern`` is not a valid Go regexp, or None when it is."""
    import re2

    if not pattern:
        return "the pattern is empty"
    if _has_any_byte_escape(pattern):
        return "\\C (match any byte) is not supported by Go regexps"
    options = re2.Options()
    options.log_errors = False
    try:
        re2.compile(pattern, options)
    except re2.error as error:
        detail = error.args[0]
        text = detail.decode() if isinstance(detail, bytes) else str(detail)
        for marker, name in _EXPLANATIONS:
            if marker in pattern and marker in text:
                return f"{text} ({name} is not supported by Go regexps)"
        if "invalid escape sequence: \\" in text and text[-1:].isdigit():
            return f"{text} (backreferences are not supported by Go regexps)"
        return text
    return None


def _has_any_byte_escape(pattern: str) -> bool:
    index = 0
    while index < len(pattern) - 1:
        if pattern[index] == "\\":
            if pattern[index + 1] == "C":
                return True
            index += 2
        else:
            index += 1
    return False
