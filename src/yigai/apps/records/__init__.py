"""Record indicators in the application: one service shared by the CLI, the analyst's page and jobs."""
