"""Shotline's headless engine: project model, camera maths, rendering, analysis.

Never imports Qt or ``app``; the desktop app depends on this package, not the reverse.
"""

__version__ = "0.1.0"
