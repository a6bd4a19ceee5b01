"""Entry point kept for its documented command: `python -m streamlab.chat_api` (the FastAPI lesson's
server, see `streamlab.demos.fastapi.server`).

Usage:
    python -m streamlab.chat_api --port 8766
"""

from __future__ import annotations

from streamlab.demos.fastapi.server import main

if __name__ == "__main__":
    main()
