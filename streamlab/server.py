"""Entry point kept for its documented command `python -m streamlab.server` (see `streamlab.sim.server`).

Usage:
    python -m streamlab.server --host 127.0.0.1 --port 8765
"""

from __future__ import annotations

from streamlab.sim.server import main

if __name__ == "__main__":
    main()
