"""Educational notes: APA references, safe Markdown bodies, the Learn pages and view counts."""
