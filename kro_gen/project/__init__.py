"""The project layer: ``[tool.kro-gen]`` configuration, environments, and loading ``definitions/``."""
