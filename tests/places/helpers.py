from pathlib import Path

from civic.places import service
from civic.places.opening_hours import parse_text

FIXTURES = Path(__file__).parent / "fixtures"

CITY_HALL = (37.566295, 126.977945)


def place(name="화장실", category="toilet", lat=CITY_HALL[0], lon=CITY_HALL[1], hours_text=None, **kwargs):
    hours = parse_text(hours_text) if hours_text else kwargs.pop("hours", None)
    return service.add_place(category, name, lat, lon, hours=hours, **kwargs)
