"""Talking to a model endpoint: providers, error explanations, the async bridge, input checks,
URL presets. Imports only `streamlab.sim` (for the simulator's model names and latency profile)."""
