"""The CJK font for pictures drawn with Pillow (posters, door plates): fonts-noto-cjk, which
set-up installs; Pillow's own font if it is missing (a developer's machine without it)."""

from pathlib import Path

from PIL import ImageFont

FONT_DIRS = [Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/truetype/noto")]
FONT_NAMES = ["NotoSansCJK-Bold.ttc", "NotoSansCJK-Regular.ttc", "NotoSerifCJK-Bold.ttc"]


def cjk_font(size: int):
    for folder in FONT_DIRS:
        for name in FONT_NAMES:
            path = folder / name
            if path.exists():
                return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)
