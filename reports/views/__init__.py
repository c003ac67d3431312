"""The report's pages, a module per subject; thin: the rules live in the services."""
