"""Make resources/desk.ico (the Windows program icon) from resources/desk.svg.

    python resources/make_icon.py

Run it after changing desk.svg and commit both files. The .ico is committed rather than
made inside build.spec so that a Windows build needs no display and no SVG rendering,
only the file. Each size is drawn from the SVG by Qt's own renderer (not scaled down from
one bitmap, which blurs the 16 and 24 pixel icons) and stored as PNG, which Windows
accepts in .ico files at every size since Vista.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SVG = HERE / "desk.svg"
ICO = HERE / "desk.ico"
#: The sizes Windows asks for: small icons, the taskbar, Explorer's views, high DPI.
SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)


def render_png(renderer: object, size: int) -> bytes:
    """The SVG drawn at size x size pixels, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage, QPainter, Qt

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)  # type: ignore[attr-defined]
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(images: dict[int, bytes]) -> bytes:
    """An .ico file holding PNG images (ICONDIR, one ICONDIRENTRY each, then the data)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    entries, blobs = b"", b""
    offset = len(header) + 16 * len(images)
    for size, png in sorted(images.items()):
        side = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset + len(blobs))
        blobs += png
    return header + entries + blobs


def make_icon(svg: Path = SVG, ico: Path = ICO) -> Path:
    """Render `svg` at every size in SIZES and write them to `ico`."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not an SVG image Qt can draw")
    ico.write_bytes(ico_bytes({size: render_png(renderer, size) for size in SIZES}))
    return ico


if __name__ == "__main__":
    print(f"wrote {make_icon()}")
