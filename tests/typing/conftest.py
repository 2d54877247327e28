"""The files under cases/ are type-checked, never imported (each has deliberate mistakes)."""

collect_ignore = ["cases"]
