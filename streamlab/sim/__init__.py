"""The embedded OpenAI-compatible simulator.

options (the latency/fault vocabulary and its limits) · request (what is accepted) · plan
(what is answered, when) · answers and arguments (text and schema values) · protocol (wire
shapes) · streaming and server (HTTP) · body and net (guards) · traces (send times).
The bottom wing: it imports nothing else from streamlab, so the server can run on its own
(`python -m streamlab.server`).
"""
