"""Reading and writing other tools' camera formats (see ``formats.FORMATS``)."""
