"""Places settings (the registry is civic/settings.py)."""

from civic.settings import Setting, csv_list, positive, time_of_day

REFUGE_CATEGORIES = ["flood_shelter", "earthquake_site", "heat_shelter", "cold_shelter", "climate_shelter",
                     "civil_defence_shelter"]

# Which refuges fit which hazard (행정안전부 국민행동요령): above ground for water, open ground for an
# earthquake, cooling/warming shelters for heat/cold, civil-defence shelters for an air raid.
HAZARD_REFUGES = {
    "heavy_rain": ["flood_shelter"],
    "typhoon": ["flood_shelter"],
    "flood": ["flood_shelter"],
    "earthquake": ["earthquake_site"],
    "heat_wave": ["heat_shelter", "climate_shelter"],
    "cold_wave": ["cold_shelter", "climate_shelter"],
    "air_raid": ["civil_defence_shelter"],
}


def hazard_map(text: str) -> dict[str, list[str]]:
    """``heavy_rain=flood_shelter heat_wave=heat_shelter+climate_shelter``: alert type -> refuge
    categories, pairs separated by spaces or commas."""
    mapping: dict[str, list[str]] = {}
    for pair in text.replace(",", " ").split():
        hazard, sep, kinds = pair.partition("=")
        if not sep or not hazard or not kinds:
            raise ValueError("expected TYPE=CATEGORY[+CATEGORY] pairs")
        mapping[hazard] = [k for k in kinds.split("+") if k]
    return mapping


SETTINGS = [
    Setting("PLACES_CATEGORIES", csv_list,
            ["toilet", "pharmacy", "hospital", "emergency_room", "wifi", "public_office", *REFUGE_CATEGORIES],
            "Facility categories, comma-separated (a new one needs no code)."),
    Setting("PLACES_HAZARD_REFUGES", hazard_map, HAZARD_REFUGES,
            "Which refuge categories an alert type's page lists, as `TYPE=CATEGORY[+CATEGORY]` pairs; a type "
            "not listed shows its guide's advice and no refuge list.",
            shown_default="`heavy_rain=flood_shelter typhoon=flood_shelter flood=flood_shelter "
                          "earthquake=earthquake_site heat_wave=heat_shelter+climate_shelter "
                          "cold_wave=cold_shelter+climate_shelter air_raid=civil_defence_shelter`"),
    Setting("PLACES_ABOVE_GROUND_HAZARDS", csv_list, ["heavy_rain", "typhoon", "flood"],
            "Alert types whose pages never list an underground place."),
    Setting("PLACES_NEAR_M", int, 3000, "Farther than this a place is not called near: the alert page says "
            "\"nearest … · 16 km\" instead.", check=positive),
    Setting("PLACES_NIGHT_FROM", time_of_day, "22:00", "From this local time a hospital search leads with "
            "emergency rooms and children's night hospitals, and shows 119 and 129."),
    Setting("PLACES_NIGHT_UNTIL", time_of_day, "07:00", "Until this local time the night rule above applies."),
    Setting("PLACES_DEFAULT_RADIUS_M", int, 2000, "Nearby-search radius when none is asked for (API).",
            check=positive),
    Setting("PLACES_MAX_RADIUS_M", int, 20000, "Largest nearby-search radius.", check=positive),
    Setting("PLACES_PAGE_RADIUS_M", int, 3000, "Nearby-search radius of the /places page.", check=positive),
    Setting("PLACES_WIDEN_BELOW", int, 3, "The /places page widens its radius (up to PLACES_MAX_RADIUS_M) when "
            "fewer places than this lie within it.", check=positive),
    Setting("PLACES_BBOX_MAX_DEG", float, 0.5, "Largest map box, in degrees per side.", check=positive),
    Setting("PLACES_LANDMARKS_FILE", str, "", "JSON of named landmarks for the place search box.",
            shown_default="bundled Seoul landmarks"),
    Setting("PLACES_SEED_FILES", csv_list, [], "Files `flask seed` imports instead of the bundled ones, as "
            "`path:kind,path:kind`.", shown_default="bundled city files"),
]
