from cebox_support.tui.cli import main

raise SystemExit(main())
