from fnox_tui.cli import main

raise SystemExit(main())
