"""The camera grid (OmniDirector, seed 001): a camera flying through an empty gridded room."""
