"""The bad-input corpus holds broken definitions: never import them as test modules or doctests."""

collect_ignore_glob = ["corpus/*"]
