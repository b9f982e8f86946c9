"""``python -m dmarcwatch``."""

import sys

from dmarcwatch.cli import main

sys.exit(main())
