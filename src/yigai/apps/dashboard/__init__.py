"""Leader's dashboard: tiles, red/yellow/green by unit and area, the Hebei map, scorecards, the Word briefing."""
