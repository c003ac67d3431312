"""Tests of the 自评表 Excel export and import."""
