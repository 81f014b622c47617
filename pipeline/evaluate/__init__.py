"""Score extraction against a gold file (`frontline eval`): gold events, mention- and event-level scores."""
