"""Root test configuration: server fixtures are pytest plugins in tests/servers/."""

pytest_plugins = [
    "tests.servers.postgres",
    "tests.servers.dovecot",
    "tests.servers.dns",
    "tests.servers.chromium",
    "tests.servers.graph",
    "tests.servers.gmail",
    "tests.servers.postfix",
    "tests.servers.promtool",
]
