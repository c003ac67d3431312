"""The year overview, department history and their charts and exports: read-only views over
reports that a department has filed (reports owns the reports; this app only reads them)."""
