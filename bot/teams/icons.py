"""The app icons Teams asks for, drawn with Pillow: color.png 192x192 and outline.png 32x32 (white on
transparent). `python -m bot.teams.icons DIR` writes them (the committed copies in bot/teams/assets/ and
manifest/teams/ were made so). A development tool, not used at run time: Pillow comes with the `dev` extra."""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

ACCENT = "#005EB8"  # the councils' shared-service blue
COLOR_SIZE = 192
OUTLINE_SIZE = 32


def _speech_bubble(draw: ImageDraw.ImageDraw, size: int, fill, width: int | None = None, outline=None) -> None:
    """A rounded speech bubble with a tail: the ICT Assistant's mark."""
    m = size // 8
    box = (m, m, size - m, size - m - size // 6)
    draw.rounded_rectangle(box, radius=size // 6, fill=fill, outline=outline, width=width or 1)
    tail = [(size // 3, box[3] - 1), (size // 3, size - m), (size // 2, box[3] - 1)]
    draw.polygon(tail, fill=fill if fill else None, outline=outline)


def color_icon() -> Image.Image:
    image = Image.new("RGBA", (COLOR_SIZE, COLOR_SIZE), ACCENT)
    draw = ImageDraw.Draw(image)
    _speech_bubble(draw, COLOR_SIZE, fill="white")
    y = COLOR_SIZE // 8 + COLOR_SIZE // 5
    for i, width in enumerate((0.5, 0.42, 0.3)):  # three lines of "text" in the bubble
        x0 = COLOR_SIZE // 4
        draw.rounded_rectangle((x0, y + i * 22, x0 + int(COLOR_SIZE * width), y + i * 22 + 10), radius=5, fill=ACCENT)
    return image


def outline_icon() -> Image.Image:
    image = Image.new("RGBA", (OUTLINE_SIZE, OUTLINE_SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    _speech_bubble(draw, OUTLINE_SIZE, fill=None, outline=(255, 255, 255, 255), width=2)
    return image


def write_icons(directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    color, outline = directory / "color.png", directory / "outline.png"
    color_icon().save(color, optimize=True)
    outline_icon().save(outline, optimize=True)
    return color, outline


if __name__ == "__main__":
    for target in sys.argv[1:] or [str(Path(__file__).parent / "assets")]:
        print(*write_icons(Path(target)))
