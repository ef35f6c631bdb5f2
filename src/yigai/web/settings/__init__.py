"""Settings, chosen by the environment (CONVENTIONS.md §12: no local overlays).

``YIGAI_ENV=production`` layers :mod:`.production` (secrets from the environment) over :mod:`.base`.
"""

import os

from yigai.web.settings.base import *  # noqa: F403

if os.environ.get("YIGAI_ENV", "development") == "production":
    from yigai.web.settings.production import *  # noqa: F403
