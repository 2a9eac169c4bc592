"""Shared helpers every capability uses: time in a patient's zone, locks, one-round-trip SQL,
SVG charts, signed tokens, email building, safe CSV, access decorators."""
