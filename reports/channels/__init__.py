"""Alert channels: e-mail, a generic webhook, Slack and Microsoft Teams.

Each channel gets the events pending for one of its targets (an e-mail recipient, a URL) and
either delivers them all or raises :class:`~reports.errors.ChannelError`; the caller records
"sent" only after it returned. Written on the standard library (``urllib``, ``smtplib``): four
small, documented formats do not need a notification framework, and a framework would hide
the status codes and retries that decide whether an event counts as delivered.
"""
