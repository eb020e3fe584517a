#!/usr/bin/env python3
"""Draws the app icons (PNG) from the same shapes as public/favicon.svg, with no
dependencies: a green rounded square with a white house. Re-run after changing the mark."""
import struct, zlib, sys, os

GREEN = (0x0b, 0x6e, 0x4f)
WHITE = (0xff, 0xff, 0xff)

def inside_house(x, y):
    # Coordinates on the 64-unit grid of favicon.svg.
    if 12 <= y <= 28 and abs(x - 32) <= (y - 12) * 20 / 16:  # roof triangle
        return not ((x - 32) ** 2 + (y - 27) ** 2 <= 16)
    if 28 <= y <= 50 and 18 <= x <= 46:  # walls
        if 28 <= x <= 36 and y >= 38:  # door
            return False
        return True
    return False

def pixel(px, py, size, maskable):
    u = px * 64 / size
    v = py * 64 / size
    if maskable:  # the safe zone is the inner 80 %: shrink the mark, fill the whole square
        u = (u - 32) / 0.8 + 32
        v = (v - 32) / 0.8 + 32
        return WHITE if inside_house(u, v) else GREEN
    r = 14
    cx = min(max(u, r), 64 - r)
    cy = min(max(v, r), 64 - r)
    if (u - cx) ** 2 + (v - cy) ** 2 > r * r:
        return None
    return WHITE if inside_house(u, v) else GREEN

def png(size, maskable):
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            # 2x2 supersampling for smooth edges
            acc = [0, 0, 0, 0]
            for dy in (0.25, 0.75):
                for dx in (0.25, 0.75):
                    c = pixel(x + dx, y + dy, size, maskable)
                    if c:
                        acc[0] += c[0]; acc[1] += c[1]; acc[2] += c[2]; acc[3] += 255
            n = acc[3] // 255
            row += bytes([acc[0] // n if n else 0, acc[1] // n if n else 0, acc[2] // n if n else 0, acc[3] // 4])
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")

out = os.path.join(os.path.dirname(__file__), "..", "public", "icons")
for name, size, maskable in [("icon-192.png", 192, False), ("icon-512.png", 512, False), ("icon-maskable-512.png", 512, True)]:
    with open(os.path.join(out, name), "wb") as f:
        f.write(png(size, maskable))
print("icons written")
