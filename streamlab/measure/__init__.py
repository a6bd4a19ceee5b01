"""Measuring streams: recorder, metrics, `astream_events` capture, three-layer timing, wire taps."""
