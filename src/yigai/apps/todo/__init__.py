"""待办 (each role's to-do, its landing page) and the 督办 list: reads over the ledger and the indicators."""
