"""Plotly figure builders (pure: data in, figure out), all drawn with one theme."""
