"""The sample threads shipped inside the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["sample_paths"]


def sample_paths() -> list[Path]:
    """Paths of the sample thread files that ship with the package, sorted by name."""
    folder = resources.files(__package__) / "samples"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".txt"))
