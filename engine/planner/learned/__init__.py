"""The learned planner of the camera-trajectory patent (seed 003): data, training, sampling, ONNX."""
