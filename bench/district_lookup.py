"""Point -> district lookups per second: the STRtree + prepared geometries civic uses, against a
naive scan of unprepared polygons measured in the same run."""

from __future__ import annotations

import random
import time
from pathlib import Path

from shapely.geometry import Point

from civic.geo import DistrictIndex

PATH = Path(__file__).resolve().parent.parent / "civic" / "data" / "seoul_districts.geojson"


def main(n: int = 20_000) -> None:
    index = DistrictIndex(str(PATH))
    rng = random.Random(1)
    points = [(rng.uniform(37.43, 37.70), rng.uniform(126.76, 127.18)) for _ in range(n)]

    start = time.perf_counter()
    fast = [index.district_at(lat, lon) for lat, lon in points]
    indexed = time.perf_counter() - start

    import json

    from shapely.geometry import shape

    raw = [(f["properties"]["SIG_CD"], shape(f["geometry"])) for f in json.loads(PATH.read_text())["features"]]
    start = time.perf_counter()
    slow = [next((code for code, g in raw if g.contains(Point(lon, lat))), None) for lat, lon in points[: n // 10]]
    naive = (time.perf_counter() - start) * 10

    assert [d.code if d else None for d in fast[: n // 10]] == slow
    print(f"district lookups: indexed {n / indexed:,.0f}/s, naive {n / naive:,.0f}/s, "
          f"ratio {naive / indexed:.1f}x")


if __name__ == "__main__":
    main()
