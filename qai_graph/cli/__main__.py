"""``python -m qai_graph.cli``: the same as the ``qai-graph`` command."""

from qai_graph.cli.main import main

raise SystemExit(main())
