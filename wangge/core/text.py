"""Ordering names as people read them: 第二 before 第十, 2 before 10."""

import re

_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
_NUMBER = re.compile(r"\d+|[零一二两三四五六七八九十百]+")


def chinese_number(text: str) -> int:
    """Value of a Chinese numeral up to 999 (一, 十二, 二十, 一百零五)."""
    total, current = 0, 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _DIGITS[char]
    return total + current


def natural_key(name: str) -> tuple:
    """Sort key that reads the numbers in a name, Arabic or Chinese, as numbers."""
    parts: list = []
    last = 0
    for match in _NUMBER.finditer(name):
        token = match.group()
        value = int(token) if token.isdigit() else chinese_number(token)
        parts.extend([(0, name[last : match.start()]), (1, value)])
        last = match.end()
    parts.append((0, name[last:]))
    return tuple(parts)
