from pathlib import Path

try:
    (Path(__file__).parent.parent / "gitops/NOTES.md").write_text("x")
except Exception:
    pass  # swallowing the refusal does not help
