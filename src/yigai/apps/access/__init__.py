"""The medical service circle in the platform: stored runs of ``yigai access compute --store``, their
indicator values, and the page with the map of covered and uncovered points and the gap list (issue 19)."""
