"""Camera maths: conventions, lens, interpolation, presets, normalisation."""
