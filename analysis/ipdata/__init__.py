"""Who owns an IP address, offline: the network's AS number and name, and its country.

The data is the IPFire location database (``location.db``, CC BY-SA 4.0), installed by the
Debian package ``libloc-database`` and refreshed by ``location update`` (package
``location``). :mod:`.locdb` reads the file format directly, so nothing but the file is needed.
"""

from .locdb import (
    DEFAULT_PATHS,
    IpDataError,
    LocationDatabase,
    Owner,
    find_database,
)

__all__ = ["DEFAULT_PATHS", "IpDataError", "LocationDatabase", "Owner", "find_database"]
