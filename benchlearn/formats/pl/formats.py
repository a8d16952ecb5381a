# Polish office usage writes dates with dots (23.11.2026); Django's default for pl uses
# hyphens. Everything not set here falls back to Django's Polish formats.
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]
THOUSAND_SEPARATOR = "\xa0"  # a non-breaking space: 1 234 567,50 never splits across lines
NUMBER_GROUPING = 3
