"""Excel and CSV files of collected values: templates to fill in, readers, and the import.

Formats are adapters at the edge: ``xlsx_write`` and ``csv_io`` write, ``xlsx_read``
and ``csv_io`` read into plain rows, ``safety`` refuses dangerous files before any
reader opens them, and ``importer`` turns rows into entries for the core's
``services.values_import`` (which parses, validates and writes with history).
"""
