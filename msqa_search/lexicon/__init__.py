"""The lexicons searches lean on: medical synonyms and the curated spelling list."""

__all__: list[str] = []
