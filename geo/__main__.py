"""Run the curator CLI: ``python -m geo --help``."""

from geo.cli import main

raise SystemExit(main())
