"""The one Run protocol: button, prompt check, progress mark, three-layer timing, replay."""
