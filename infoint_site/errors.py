"""The exceptions infoint-site raises on purpose. The command line shows their message
and exits 1; anything else is an internal error (a traceback only with --debug).

    InfointError
     ├── NotAJournal          the folder has neither content/ nor infoint.yaml
     ├── JournalInvalid       the journal has errors (build stops before writing)
     ├── FileExists           a command would overwrite a file it did not create
     └── UnknownContact       a command names a contact that has no file
"""

from __future__ import annotations


class InfointError(Exception):
    """A failure to explain to the user in one message."""

    exit_code = 1


class NotAJournal(InfointError):
    pass


class JournalInvalid(InfointError):
    def __init__(self, message: str, problems: list | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []
        """The problems that stopped the command, to print before the message."""


class FileExists(InfointError):
    pass


class UnknownContact(InfointError):
    pass
