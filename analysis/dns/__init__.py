"""The DNS layer: the only code of dmarcwatch that talks DNS or reads the Public Suffix List.

- :mod:`.resolver`: the bounded resolver (per-try timeout, retries, per-run deadline, query
  budget, ``HOST[:PORT]`` nameservers); answers and failures are frozen :class:`Lookup` values.
- :mod:`.names`: name normalisation and validation, the RFC 7489 Organizational Domain by the
  Public Suffix List, the names of the RFC 9989 tree walk, reverse-DNS names.
- :mod:`.spf`: the SPF record parser; :mod:`.spfwalk`: the walk and expansion of a record
  with RFC 7208's limits (10 DNS-querying terms, 2 void look-ups, loops cut, targets once).
- :mod:`.dmarc`: the DMARC record parser; :mod:`.discovery`: policy discovery and the
  Organizational Domain by the RFC 9989 tree walk, over live DNS or known records.

It imports nothing of the rest of dmarcwatch but :mod:`dmarcwatch.analysis.errors`. The
modules are imported one by one (this package imports none), so that the analysis of stored
reports, which needs only :mod:`.names` and :mod:`.discovery`, does not load dnspython.
"""
