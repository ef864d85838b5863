"""Grey-box previz: the mannequin, the set-piece library, blocking over time and a headless GL renderer."""
