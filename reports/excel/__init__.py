"""The 自评表 as Excel, both ways: export in the official layout, import of filled sheets."""
