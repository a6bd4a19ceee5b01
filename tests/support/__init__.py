"""Importable test helpers (never import from conftest.py or from other test modules)."""
