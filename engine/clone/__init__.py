"""Camera cloning: a reference video becomes editable shots (see ``engine.clone.clone``)."""
