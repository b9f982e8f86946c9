"""The words the commands print around findings, in the ``commands`` gettext domain.

The translations live in ``dmarcwatch/commands/locale/<lang>/LC_MESSAGES/commands.po``
(:mod:`dmarcwatch.analysis.i18n`). Imported when a command runs: it loads Babel.
"""

from __future__ import annotations

from pathlib import Path

from dmarcwatch.analysis.i18n import Domain, Translator
from dmarcwatch.analysis.i18n import translator as _translator

COMMANDS = Domain("commands", Path(__file__).parent, sources=(("*.py", "python"),))


def translator(lang: str) -> Translator:
    return _translator(COMMANDS, lang)


def actor_name(actor: str, t: Translator) -> str | None:
    """Who has to act, in words; ``None`` for an actor without a name."""
    names = {
        "practice": t.pgettext("actor", "practice"),
        "vendor": t.pgettext("actor", "software vendor"),
        "mail-provider": t.pgettext("actor", "mail provider"),
    }
    return names.get(actor)


def fix_label(t: Translator) -> str:
    return t.gettext("Fix")


def evidence_label(t: Translator) -> str:
    return t.gettext("Evidence")
