"""Places settings (the registry is civic/settings.py)."""

from civic.settings import Setting, csv_list, positive

SETTINGS = [
    Setting("PLACES_CATEGORIES", csv_list,
            ["toilet", "pharmacy", "hospital", "emergency_room", "wifi", "public_office", "shelter"],
            "Facility categories, comma-separated (a new one needs no code)."),
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
