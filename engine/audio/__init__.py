"""Sound under the sequence: decode (PyAV), waveform peaks, beats / onsets / tempo (librosa), cut on beat."""
