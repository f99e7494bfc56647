"""The bundled sample mirror (package data, raw layout): used by ``--sample`` and first runs."""
