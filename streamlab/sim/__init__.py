"""The embedded OpenAI-compatible simulator: answers, protocol, server, send traces.

The bottom wing: it imports nothing else from streamlab, so the server can run on its own
(`python -m streamlab.server`).
"""
