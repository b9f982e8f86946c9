"""Analysis of stored DMARC aggregate reports: who sends as a domain, does it align, what to fix.

Reads the store (never the mailbox), works on pandas DataFrames and returns data and findings;
it draws nothing and prints nothing. The entry points for callers are in :mod:`analysis.api`.
"""
