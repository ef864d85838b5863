"""The render engine as a separate process: HTTP + WebSocket server, job queue, client."""
