#!/usr/bin/env python3
"""Converts the ONS district boundaries into the compact council map mir ships.

Reads ../shared/data/geo/england-lad-boundaries.geojson and england-lad-lookup.csv (ONS, Open
Government Licence v3.0) and writes data/areas/council-map.tsv: one line per upper-tier council
(153), with its neighbours (councils sharing a boundary), its centre (projected map units) and
an SVG path (districts merged by council, projected, simplified, integer coordinates); and
data/areas/england-places.csv: the 296 districts (the places people name, such as Cambridge
inside Cambridgeshire) with their council and their point in the same map units.

Run once when the boundaries change:  python3 scripts/make-council-map.py
"""
import csv
import json
import math
import os
import sys
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEO = os.path.join(ROOT, "..", "shared", "data", "geo")
OUT = os.path.join(ROOT, "data", "areas", "council-map.tsv")
PLACES = os.path.join(ROOT, "data", "areas", "england-places.csv")
WIDTH = 560.0  # map units across England
TOLERANCE = 0.9  # simplification, in map units


def project(lon, lat, box):
    """Equirectangular, scaled by cos(mid-latitude) so England keeps its shape."""
    min_lon, min_lat, max_lon, max_lat = box
    k = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = WIDTH / ((max_lon - min_lon) * k)
    return ((lon - min_lon) * k * scale, (max_lat - lat) * scale)


def simplify(points, tol):
    """Douglas-Peucker on a closed ring (keeps the first point)."""
    if len(points) < 4:
        return points

    def dp(pts):
        if len(pts) < 3:
            return pts
        (x1, y1), (x2, y2) = pts[0], pts[-1]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy) or 1e-9
        best, index = 0.0, 0
        for i in range(1, len(pts) - 1):
            x, y = pts[i]
            d = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm
            if d > best:
                best, index = d, i
        if best > tol:
            return dp(pts[: index + 1])[:-1] + dp(pts[index:])
        return [pts[0], pts[-1]]

    half = len(points) // 2
    return dp(points[: half + 1])[:-1] + dp(points[half:])


def main():
    with open(os.path.join(GEO, "england-lad-boundaries.geojson"), encoding="utf-8") as f:
        geo = json.load(f)
    with open(os.path.join(GEO, "england-lad-lookup.csv"), encoding="utf-8") as f:
        lookup = list(csv.DictReader(f))
    lons, lats = [], []
    for feature in geo["features"]:
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                for lon, lat in ring:
                    lons.append(lon)
                    lats.append(lat)
    box = (min(lons), min(lats), max(lons), max(lats))

    council_of = {}
    paths = defaultdict(list)
    vertices = defaultdict(set)
    for feature in geo["features"]:
        code = feature["properties"]["utla_code"]
        council_of[feature["properties"]["code"]] = code
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                for lon, lat in ring:
                    vertices[(round(lon, 5), round(lat, 5))].add(code)
                pts = [project(lon, lat, box) for lon, lat in ring]
                pts = simplify(pts, TOLERANCE)
                ints = []
                for x, y in pts:
                    p = (round(x), round(y))
                    if not ints or ints[-1] != p:
                        ints.append(p)
                if len(ints) < 3:
                    continue
                d = "M" + " ".join(f"{x} {y}" for x, y in ints[:1])
                d += "L" + " ".join(f"{x} {y}" for x, y in ints[1:]) + "Z"
                paths[code].append(d)

    neighbours = defaultdict(set)
    for codes in vertices.values():
        for a in codes:
            for b in codes:
                if a != b:
                    neighbours[a].add(b)

    centres = defaultdict(list)
    for row in lookup:
        centres[row["utla_code"]].append(project(float(row["lon"]), float(row["lat"]), box))

    height = max(project(box[0], box[1], box)[1], 0)
    with open(OUT, "w", encoding="utf-8", newline="\n") as out:
        out.write(
            "# England's upper-tier councils for mir's map. Made by scripts/make-council-map.py from\n"
            "# ONS boundaries (May 2024, ultra generalised). Source: Office for National Statistics\n"
            "# licensed under the Open Government Licence v.3.0. Contains OS data (c) Crown copyright\n"
            "# and database right 2023-2024.\n"
            f"# size\t{round(WIDTH)}\t{math.ceil(height)}\n"
            # The projection's box (lon/lat), so a postcode's point can be put on the map.
            f"# box\t{box[0]}\t{box[1]}\t{box[2]}\t{box[3]}\n"
            "# code\tneighbours\tcentre_x\tcentre_y\tpath\n"
        )
        for code in sorted(paths):
            cx = sum(p[0] for p in centres[code]) / len(centres[code])
            cy = sum(p[1] for p in centres[code]) / len(centres[code])
            out.write(
                f"{code}\t{','.join(sorted(neighbours[code]))}\t{round(cx)}\t{round(cy)}\t{''.join(paths[code])}\n"
            )
    with open(PLACES, "w", encoding="utf-8", newline="\n") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["district_code", "district_name", "council_code", "x", "y"])
        for row in sorted(lookup, key=lambda r: r["lad_code"]):
            x, y = project(float(row["lon"]), float(row["lat"]), box)
            writer.writerow([row["lad_code"], row["lad_name"], row["utla_code"], f"{x:.1f}", f"{y:.1f}"])
    print(f"{len(paths)} councils, {os.path.getsize(OUT)} bytes -> {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
