"""Jinja2 as the theme uses it, with a quicker `escape` for plain strings.

Every ``{{ value }}`` of an autoescaping template calls markupsafe's `escape`, which
makes its `Markup` through `Markup.__new__`, a Python function that checks for
``__html__`` a second time: two thirds of the cost of a call, and a call is made about
140 times a record page (1.4 million at 10,000 files). For a plain `str`, `escape_text` makes the
very same `Markup` (the same characters replaced, by markupsafe's own code) directly;
anything else still goes to markupsafe.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from datetime import date
from typing import Any, Protocol

import jinja2
import jinja2.bccache
import jinja2.meta
import markupsafe

_new = str.__new__
_replace: Callable[[str], str] | None = getattr(markupsafe, "_escape_inner", None)
"""markupsafe's replacement of ``& < > ' "`` (C when compiled), private to it: checked
against `markupsafe.escape` below, and not used unless it gives the same result."""
if _replace is not None and _replace("<&>'\"x") != str(markupsafe.escape("<&>'\"x")):
    _replace = None


_Markup = markupsafe.Markup


def escape_text(value: Any, /) -> markupsafe.Markup:
    """`markupsafe.escape(value)`, made without `Markup.__new__` when `value` is a str
    or an int, and `value` itself when it is a `Markup` already (which markupsafe would
    copy: a macro's output, say, a tenth of the values a record page shows)."""
    kind = type(value)
    if kind is str and _replace is not None:
        return _new(_Markup, _replace(value))
    if kind is _Markup:
        return value  # type: ignore[no-any-return]
    if kind is int:
        return _new(_Markup, int.__repr__(value))
    return markupsafe.escape(value)


def escaped(value: Any, /) -> str:
    """`escape_text(value)` as a plain str, for a piece of a bigger `Markup`."""
    if type(value) is str and _replace is not None:
        return _replace(value)
    return str(markupsafe.escape(value))


_BY_VALUE = (str, int, float, bool, type(None), date)
"""Values that stand for what they are equal to: a module is kept across them."""
_KEPT_MODULES = 32
"""How many modules are kept at most (one for each page depth, in practice)."""


def _value_key(value: Any) -> tuple[Any, ...]:
    """What a context value is, for `Template.make_module`: its type and value when it
    is a plain value, its method and object when it is a bound method (a new object at
    each lookup), else the object itself (by identity: the kept module holds it)."""
    kind = type(value)
    if kind in _BY_VALUE:
        return (kind, value)
    function, owner = getattr(value, "__func__", None), getattr(value, "__self__", None)
    if function is not None and owner is not None:
        return (kind, id(function), id(owner))
    return (kind, id(value))


PythonMacros = Callable[[Mapping[str, Any], Any], Mapping[str, Callable[..., Any]]]
"""(a module's context, the module) → macros of that module, by name, in Python."""


class Template(jinja2.Template):
    """A template whose ``{{ … }}`` escape with `escape_text`, and whose module, when
    its environment may keep it (`Environment.keep_modules_of`), is kept for pages that
    import it `with context` and give it the same context."""

    @classmethod
    def _from_namespace(cls, environment: jinja2.Environment,
                        namespace: MutableMapping[str, Any],
                        globals: MutableMapping[str, Any]) -> jinja2.Template:
        # The compiled module looks `escape` up in its own namespace at each call.
        if namespace.get("escape") is markupsafe.escape:
            namespace["escape"] = escape_text
        return super()._from_namespace(environment, namespace, globals)

    def make_module(self, vars: dict[str, Any] | None = None, shared: bool = False,
                    locals: Mapping[str, Any] | None = None) -> jinja2.environment.TemplateModule:
        """`{% from "macros.html" import link with context %}` makes the module afresh on
        every render (25 µs a record page: the page's context is copied and every macro
        made again). The macros of a template its environment may keep read nothing of
        that context but the names the template leaves free (`base`, `short_date`…), so
        a module made when each of those had the same value is the same module, and it
        is kept."""
        environment = self.environment
        kept = getattr(environment, "kept_modules", None)
        if (kept is None or vars is None or not shared
                or self.name not in environment.modules_to_keep):  # type: ignore[attr-defined]
            return super().make_module(vars, shared, locals)
        free = self._free_names()
        key = (self.name, tuple(_value_key(vars.get(name, self)) for name in free),
               tuple((name, id(value)) for name, value in (locals or {}).items()))
        module = kept.get(key)
        if module is None:
            if len(kept) >= _KEPT_MODULES:
                kept.clear()
            context = self.new_context(vars, shared, locals)
            module = kept[key] = jinja2.environment.TemplateModule(self, context)
            environment.kept_contexts.append(context)  # type: ignore[attr-defined]
            faster = environment.python_macros.get(self.name)  # type: ignore[attr-defined]
            if faster is not None and not locals:  # (a page's own names reach the macros)
                module.__dict__.update(faster(vars, module))
        return module

    def _free_names(self) -> tuple[str, ...]:
        """The names this template reads from its context, sorted."""
        if "_free" not in self.__dict__:
            source, _, _ = self.environment.loader.get_source(  # type: ignore[union-attr]
                self.environment, self.name)  # type: ignore[arg-type]
            self.__dict__["_free"] = tuple(sorted(jinja2.meta.find_undeclared_variables(
                self.environment.parse(source))))
        return self.__dict__["_free"]  # type: ignore[no-any-return]


class Environment(jinja2.Environment):
    template_class = Template

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.modules_to_keep: frozenset[str] = frozenset()
        self.kept_modules: dict[Any, jinja2.environment.TemplateModule] = {}
        self.kept_contexts: list[jinja2.runtime.Context] = []
        """The contexts of the modules kept since `keep_modules_of` was last called."""
        self.python_macros: dict[str, PythonMacros] = {}

    def keep_modules_of(self, names: frozenset[str],
                        python_macros: Mapping[str, PythonMacros] | None = None) -> None:
        """Let the modules of the templates `names` be kept (`Template.make_module`), and
        let go of those kept so far. Each holds the context of the page that made it,
        and its macros that context: a cycle, which kept the whole of the last build's
        views and analysis alive until a full collection (70,000 objects a rebuild of
        `serve` at 10,000 files). The contexts are emptied here, so that those are freed
        as soon as nothing else holds them.
        A kept module of a template in `python_macros` has some of its macros replaced by
        what that gives for the module's context and the module, Python functions that
        write the very same bytes (`default_macros.macros`).

        Only for a template known to depend on nothing but its free names: one that keeps
        no state at its top (`namespace`, `cycler`), includes or imports nothing with
        context, and calls no function that reads the context, as the default theme's
        macros.html; a theme's own macros.html is made afresh on every page, as Jinja
        does."""
        self.modules_to_keep = names
        for context in self.kept_contexts:
            context.vars.clear()  # its macros, which refer to it: a cycle no longer
            context.parent = {}  # the pages' values (a renderer's views, the analysis…)
        self.kept_contexts = []
        self.kept_modules = {}
        self.python_macros = dict(python_macros or {})


class TemplateStore(Protocol):
    def get(self, key: str) -> bytes | None: ...
    def put(self, key: str, code: bytes) -> None: ...


class StoredBytecode(jinja2.BytecodeCache):
    """Compiled templates kept in the build cache (`cache.BuildCache.templates`):
    compiling the default theme takes 80 ms, loading it 3 ms. Jinja checks each against
    the digest of its template's source and compiles a changed one again; the cache
    itself is signed, so what is loaded is this user's own."""

    def __init__(self, store: TemplateStore) -> None:
        self.store = store

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store.put(bucket.key, bucket.bytecode_to_string())
