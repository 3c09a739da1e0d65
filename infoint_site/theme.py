"""The theme: Jinja2 templates and static files, the journal's own overriding the default.

A journal's ``themes/<name>/templates/x.html`` replaces the default ``x.html`` by name,
and its ``themes/<name>/static/`` files are laid over the default's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InfointError

if TYPE_CHECKING:
    import jinja2

_PACKAGE = Path(__file__).resolve().parent


def default_theme_dir() -> Path:
    """The default theme: inside the installed package, or beside it in a source checkout."""
    for candidate in (_PACKAGE / "themes" / "default", _PACKAGE.parent / "themes" / "default"):
        if (candidate / "templates").is_dir():
            return candidate
    raise InfointError("the default theme is missing from this installation; reinstall"
                       " infoint-site")


@dataclass(frozen=True)
class Theme:
    """Template and static folders, most specific first."""

    folders: tuple[Path, ...]

    @property
    def template_dirs(self) -> list[str]:
        return [str(f / "templates") for f in self.folders if (f / "templates").is_dir()]

    def static_files(self) -> dict[str, Path]:
        """Output path (``assets/style.css``) → source file; the journal's theme wins."""
        files: dict[str, Path] = {}
        for folder in reversed(self.folders):
            static = folder / "static"
            if not static.is_dir():
                continue
            real_static = static.resolve()
            for path in sorted(static.rglob("*")):
                if not path.is_file() or path.name.startswith("."):
                    continue
                if real_static not in path.resolve().parents:
                    continue  # a symlink out of the theme: never publish what it points at
                files["assets/" + path.relative_to(static).as_posix()] = path
        return dict(sorted(files.items()))

    def fingerprint(self) -> str:
        """A digest of every template and static file: pages depend on all of them."""
        import hashlib

        h = hashlib.blake2b(digest_size=16)
        for folder in self.folders:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    h.update(path.relative_to(folder).as_posix().encode() + b"\0")
                    h.update(path.read_bytes())
        return h.hexdigest()

    def environment(self, bytecode_cache: jinja2.BytecodeCache | None = None,
                    ) -> jinja2.Environment:
        """A Jinja2 environment that autoescapes everything and fails on undefined names.

        Its templates escape plain strings without markupsafe's checks (`templating`).
        It does not look at the template files again once it has compiled them (10,000
        page renders would stat them 10,000 times): a build makes a new one, and `serve`
        drops it when a file under themes/ changes. With a `bytecode_cache`, compiled
        templates are kept there."""
        import jinja2

        from .templating import Environment

        return Environment(
            loader=jinja2.FileSystemLoader(self.template_dirs),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,
            bytecode_cache=bytecode_cache,
        )


def find_theme(root: Path, name: str) -> Theme:
    """The journal's ``themes/<name>`` (if any) over the default theme."""
    default = default_theme_dir()
    own = root / "themes" / name
    folders: list[Path] = []
    if own.is_dir() and own.resolve() != default.resolve():
        folders.append(own)
    elif name != "default" and not own.is_dir():
        raise InfointError(f"theme '{name}' not found: expected a folder themes/{name}/"
                           " with templates/ or static/")
    folders.append(default)
    return Theme(tuple(folders))
