"""Draw the app's icons into static/icons/: an SVG, PNGs of 192 and 512 px (one maskable) and a
favicon.ico. Pure Python (zlib), so it needs nothing installed; run it again after a change:

    python bin/make_icons.py

The mark is a white tick on the primary blue, drawn with anti-aliased edges from distances.
"""

import math
import struct
import zlib
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
BLUE = (0x0A, 0x58, 0xCA)
WHITE = (0xFF, 0xFF, 0xFF)
# The tick, in fractions of the icon's side, and its stroke width; the square's corner radius.
TICK = ((0.28, 0.52), (0.44, 0.68), (0.74, 0.36))
STROKE = 0.11
RADIUS = 0.22
# A maskable icon may be cropped to a circle of 80% of its side: its tick shrinks towards the centre.
MASKABLE_SCALE = 0.8


def _segment_distance(px, py, a, b):
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _rounded_square_distance(px, py, radius):
    # Signed distance to a square of side 1 centred at (0.5, 0.5) with rounded corners.
    qx = abs(px - 0.5) - (0.5 - radius)
    qy = abs(py - 0.5) - (0.5 - radius)
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - radius


def _coverage(distance, size):
    return max(0.0, min(1.0, 0.5 - distance * size))


def draw(size: int, *, maskable: bool = False) -> bytes:
    scale = MASKABLE_SCALE if maskable else 1.0
    tick = [(0.5 + (x - 0.5) * scale, 0.5 + (y - 0.5) * scale) for x, y in TICK]
    half_stroke = STROKE * scale / 2
    rows = []
    for j in range(size):
        row = bytearray([0])  # PNG filter: none
        py = (j + 0.5) / size
        for i in range(size):
            px = (i + 0.5) / size
            ground = 1.0 if maskable else _coverage(_rounded_square_distance(px, py, RADIUS), size)
            mark = min(_segment_distance(px, py, tick[k], tick[k + 1]) for k in range(len(tick) - 1))
            ink = _coverage(mark - half_stroke, size)
            colour = [round(b + (w - b) * ink) for b, w in zip(BLUE, WHITE, strict=True)]
            row += bytes([*colour, round(255 * ground)])
        rows.append(bytes(row))
    return _png(size, b"".join(rows))


def _png(size: int, raw: bytes) -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def _ico(png: bytes, size: int) -> bytes:
    # One image, stored as PNG (every current browser reads that).
    return struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(png), 22) + png


def _svg() -> str:
    points = " ".join(f"{x * 64:.1f} {y * 64:.1f}" for x, y in TICK)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        f'<rect width="64" height="64" rx="{RADIUS * 64:.1f}" fill="#0a58ca"/>'
        f'<path d="M{points}" fill="none" stroke="#fff" stroke-width="{STROKE * 64:.1f}" '
        'stroke-linecap="round" stroke-linejoin="round"/></svg>\n'
    )


def main():
    ICONS.mkdir(parents=True, exist_ok=True)
    (ICONS / "icon.svg").write_text(_svg())
    (ICONS / "icon-192.png").write_bytes(draw(192))
    (ICONS / "icon-512.png").write_bytes(draw(512))
    (ICONS / "icon-maskable-512.png").write_bytes(draw(512, maskable=True))
    (ICONS / "favicon.ico").write_bytes(_ico(draw(32), 32))
    for path in sorted(ICONS.iterdir()):
        print(f"{path.name}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
