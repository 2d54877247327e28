"""Tests of kro_gen.check."""
