"""Emission: RGD documents, instance CRs, direct-mode manifests, YAML."""
