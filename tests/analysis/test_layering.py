"""The layering itself is the import-linter contract in pyproject.toml (lint-imports)."""


def test_the_commands_offer_every_language_of_the_message_catalogues():
    from dmarcwatch.analysis.messages import LANGUAGES
    from dmarcwatch.commands import _analysis

    assert _analysis.LANGUAGES == LANGUAGES
