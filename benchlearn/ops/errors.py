class BackupError(Exception):
    """A backup or a restore that cannot be done; nothing was changed."""
