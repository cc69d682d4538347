#!/usr/bin/env python3
"""Turns a `tmux capture-pane -p -e` dump into a PNG: rich renders the ANSI text as SVG, rsvg-convert rasterises it.

Usage: ansi_to_png.py CAPTURE.ansi OUT.png --width COLUMNS --title TITLE
"""
import argparse
import io
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.text import Text
from rich.terminal_theme import TerminalTheme

# A neutral dark terminal (the default theme's intended background) with xterm's 16 colours.
DARK = TerminalTheme(
    (24, 24, 28), (220, 220, 220),
    [(0, 0, 0), (205, 49, 49), (13, 188, 121), (229, 229, 16), (36, 114, 200), (188, 63, 188), (17, 168, 205),
     (229, 229, 229)],
    [(102, 102, 102), (241, 76, 76), (35, 209, 139), (245, 245, 67), (59, 142, 234), (214, 112, 214),
     (41, 184, 219), (255, 255, 255)],
)
LIGHT = TerminalTheme(
    (250, 250, 250), (40, 40, 40),
    DARK.ansi_colors._colors[:8] if hasattr(DARK.ansi_colors, "_colors") else
    [(0, 0, 0), (205, 49, 49), (0, 140, 80), (180, 140, 0), (36, 114, 200), (188, 63, 188), (17, 140, 170),
     (229, 229, 229)],
    [(102, 102, 102), (241, 76, 76), (35, 209, 139), (245, 245, 67), (59, 142, 234), (214, 112, 214),
     (41, 184, 219), (255, 255, 255)],
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("capture")
    parser.add_argument("output")
    parser.add_argument("--width", type=int, required=True)
    parser.add_argument("--title", default="clientele")
    parser.add_argument("--light", action="store_true")
    args = parser.parse_args()

    raw = Path(args.capture).read_text(encoding="utf-8")
    # Colour state carries across rows in a capture, so the whole dump is parsed at once.
    text = Text.from_ansi(raw.rstrip("\n"))
    console = Console(record=True, width=args.width, file=io.StringIO(), force_terminal=True,
                      color_system="256", legacy_windows=False)
    console.print(text, end="", overflow="crop", no_wrap=True, crop=True)
    with tempfile.TemporaryDirectory() as scratch:
        svg = Path(scratch) / "screen.svg"
        # 0.602 is DejaVu Sans Mono's advance/height ratio: it keeps the right border straight.
        console.save_svg(str(svg), title=args.title, theme=LIGHT if args.light else DARK, font_aspect_ratio=0.602)
        # rich names Fira Code, which fontconfig here resolves to a proportional face; name the monospace one.
        # librsvg trims spaces at the ends of each text run unless told to preserve them.
        text = svg.read_text(encoding="utf-8").replace("Fira Code", "DejaVu Sans Mono")
        svg.write_text(text.replace("<svg ", '<svg xml:space="preserve" ', 1), encoding="utf-8")
        subprocess.run(["rsvg-convert", "--zoom", "1.5", "-o", args.output, str(svg)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
