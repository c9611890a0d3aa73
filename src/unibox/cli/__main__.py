"""`python -m unibox.cli`: the same as the `unibox` command."""

import sys

from unibox.cli.main import main

sys.exit(main())
