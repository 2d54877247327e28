"""Typed views for type checkers: Kubernetes kinds and CRDs as Python classes (generated source)."""
