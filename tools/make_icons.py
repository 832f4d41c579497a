#!/usr/bin/env python3
"""Draws Sotto's toolbar and store icons into extension/icons/ (PNG, 16/32/48/128 px).

Two sets:
  sotto-N.png    the mark: a soft rounded square in a muted blue with one calm white wave
                 (a quiet pulse line: "sotto voce", a symptom that settles);
  neutral-N.png  discreet mode: a plain grey notes page, so a glance at the toolbar reveals nothing.

Standard library only (zlib + struct write the PNGs). Shapes are signed distance functions,
sampled 4x4 per pixel for anti-aliasing. Output is committed; rerun after changing this script:

    python3 tools/make_icons.py
"""

import math
import os
import struct
import zlib

SIZES = (16, 32, 48, 128)
SUPERSAMPLE = 4

MUTED_BLUE = (74, 111, 165)  # #4a6fa5: calm, readable on light and dark toolbars
WHITE = (255, 255, 255)
PAGE_FILL = (240, 240, 240)
PAGE_INK = (118, 118, 118)  # mid grey: visible on light and dark toolbars alike


def rounded_square_sdf(x, y, inset, radius):
    """Distance to a square [inset, 1-inset]^2 with rounded corners (negative inside)."""
    half = 0.5 - inset
    qx = abs(x - 0.5) - (half - radius)
    qy = abs(y - 0.5) - (half - radius)
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - radius


def segment_distance(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)
    t = min(max(t, 0.0), 1.0)
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def polyline_distance(px, py, points):
    return min(segment_distance(px, py, *points[i], *points[i + 1]) for i in range(len(points) - 1))


def polygon_sdf(px, py, points):
    """Distance to a closed polygon's outline, negative inside (even-odd rule)."""
    distance = polyline_distance(px, py, points + [points[0]])
    inside = False
    for (ax, ay), (bx, by) in zip(points, points[1:] + [points[0]]):
        if (ay > py) != (by > py) and px < ax + (py - ay) * (bx - ax) / (by - ay):
            inside = not inside
    return -distance if inside else distance


def snap(value, size, width_px):
    """Moves a stroke's centre onto the pixel grid so that small icons stay crisp: odd widths
    centre on a pixel, even widths on a pixel edge."""
    offset = 0.5 if width_px % 2 else 0.0
    return (round(value * size - offset) + offset) / size


def wave(amplitude):
    """One full period of a sine, centred: it reads as a gentle wave even at 16 px."""
    return [
        (0.24 + 0.52 * i / 64, 0.5 - amplitude * math.sin(2 * math.pi * i / 64))
        for i in range(65)
    ]


def sotto_pixel(size):
    stroke_px = max(2, round(0.11 * size))
    stroke = stroke_px / size
    inset = round(0.04 * size) / size  # whole pixels: no faint halo around the square
    # Small icons get a taller wave, or the 2 px stroke flattens it into a dash.
    line = wave(0.13 if size <= 16 else 0.1)

    def pixel(x, y):
        layers = []
        if rounded_square_sdf(x, y, inset, 0.22) <= 0:
            layers.append(MUTED_BLUE)
            if polyline_distance(x, y, line) <= stroke / 2:
                layers.append(WHITE)
        return layers

    return pixel


def neutral_pixel(size):
    ink_px = max(1, round(0.06 * size))
    ink = ink_px / size
    left, right = snap(0.2, size, ink_px), snap(0.8, size, ink_px)
    top, bottom = snap(0.08, size, ink_px), snap(0.92, size, ink_px)
    fold = snap(0.2, size, ink_px)
    page = [(left, top), (right - fold, top), (right, top + fold), (right, bottom), (left, bottom)]
    fold_mark = [(right - fold, top), (right - fold, top + fold), (right, top + fold)]
    lines = [snap(y, size, ink_px) for y in (0.48, 0.64, 0.8)]
    line_left, line_right = snap(0.34, size, ink_px), snap(0.66, size, ink_px)

    def pixel(x, y):
        layers = []
        sdf = polygon_sdf(x, y, page)
        if sdf <= 0:
            layers.append(PAGE_FILL)
        if abs(sdf) <= ink / 2 or polyline_distance(x, y, fold_mark) <= ink / 2:
            layers.append(PAGE_INK)
        elif sdf < 0 and any(
            line_left - ink / 2 <= x <= line_right + ink / 2 and abs(y - line) <= ink / 2 for line in lines
        ):
            layers.append(PAGE_INK)
        return layers

    return pixel


def render(make_pixel, size):
    """RGBA rows: each sample takes the topmost layer's colour; samples are averaged."""
    pixel = make_pixel(size)
    rows = []
    n = SUPERSAMPLE
    for row in range(size):
        out = bytearray()
        for col in range(size):
            r = g = b = covered = 0
            for sy in range(n):
                for sx in range(n):
                    x = (col + (sx + 0.5) / n) / size
                    y = (row + (sy + 0.5) / n) / size
                    layers = pixel(x, y)
                    if layers:
                        cr, cg, cb = layers[-1]
                        r, g, b, covered = r + cr, g + cg, b + cb, covered + 1
            if covered:
                # Colour is the mean of covered samples (straight alpha), alpha their share.
                out += bytes((round(r / covered), round(g / covered), round(b / covered), round(255 * covered / (n * n))))
            else:
                out += bytes(4)
        rows.append(bytes(out))
    return rows


def png(rows, size):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 on every row
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main():
    out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "extension", "icons")
    os.makedirs(out_dir, exist_ok=True)
    for name, pixel in (("sotto", sotto_pixel), ("neutral", neutral_pixel)):
        for size in SIZES:
            path = os.path.join(out_dir, f"{name}-{size}.png")
            with open(path, "wb") as f:
                f.write(png(render(pixel, size), size))
            print(os.path.normpath(path))


if __name__ == "__main__":
    main()
