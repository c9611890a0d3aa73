"""`python -m unibox`: the same as the `unibox` command."""

import sys

from unibox.cli import main

sys.exit(main())
