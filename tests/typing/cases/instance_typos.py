"""Wrong instance values: each marked line is an error for mypy and pyright."""

from __future__ import annotations

from _app import Database, WebSpec, web

web.instance("a", WebSpec(image="web:1", database=Database(host="db"), replica=2))  # error
web.instance("b", WebSpec(image="web:1", database=Database(host="db"), replicas="2"))  # error
web.instance("c", WebSpec(image="web:1", database=Database(host="db"), environment="qa"))  # error
web.instance("d", WebSpec(image="web:1", database=Database(hots="db")))  # error
web.instance("e", Database(host="db"))  # error
