import os
from pathlib import Path

os.remove(Path(__file__).parent.parent / "gitops/README.md")
