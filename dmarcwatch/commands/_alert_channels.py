"""The ``[[alert]]`` sections of the configuration as the channels :mod:`reports.channels` has."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dmarcwatch.config import AlertConfig, Config
from dmarcwatch.errors import ConfigError

if TYPE_CHECKING:
    from dmarcwatch.reports.channels.model import Channel


def channels(config: Config) -> list[Channel]:
    return [_channel(alert, config) for alert in config.alerts]


def _channel(alert: AlertConfig, config: Config) -> Channel:
    from dmarcwatch.analysis.findings import Severity
    from dmarcwatch.reports.channels.chat import Slack, Teams
    from dmarcwatch.reports.channels.email import Email
    from dmarcwatch.reports.channels.http import HttpSettings
    from dmarcwatch.reports.channels.model import Filters
    from dmarcwatch.reports.channels.webhook import Webhook
    from dmarcwatch.reports.mail import parse_recipients

    filters = Filters(alert.domains, Severity(alert.min_severity), alert.codes)
    if alert.type == "email":
        if config.smtp is None:
            raise ConfigError(
                f"config file {config.path}: an [[alert]] of type email needs an [smtp] section"
            )
        from dmarcwatch.commands.report import mail_settings

        recipients = tuple(parse_recipients(alert.to))
        return Email(mail_settings(config.smtp), recipients, filters, alert.lang)
    assert alert.url is not None  # the config requires it for these types
    http = HttpSettings(alert.url.value, alert.timeout, alert.retries, ca_file=alert.ca_file)
    if alert.type == "webhook":
        secrets = tuple(s.value for s in alert.secrets)
        return Webhook(http, filters, alert.lang, alert.name, secrets)
    if alert.type == "slack":
        return Slack(http, filters, alert.lang, alert.name)
    return Teams(http, filters, alert.lang, alert.name)
