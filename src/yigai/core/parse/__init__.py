"""Policy-document understanding: readers, normalisation, structure, units, deadlines, targets."""

import hashlib
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def extractor_fingerprint() -> str:
    """A short hash of the extractor's rules (its source files and the unit directory).

    Stored with every imported plan, so that plans read by an older engine can be told apart
    (the demo re-reads its sample plans when the engine changed).
    """
    digest = hashlib.sha256()
    package = resources.files("yigai.core.parse")
    for entry in sorted(package.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".py"):
            digest.update(entry.read_bytes())
    for sub in ("readers",):
        for entry in sorted(package.joinpath(sub).iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".py"):
                digest.update(entry.read_bytes())
    digest.update(resources.files("yigai.data").joinpath("units.yaml").read_bytes())
    return digest.hexdigest()[:12]
