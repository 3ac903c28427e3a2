import sys

from classic.cli import main

sys.exit(main())
