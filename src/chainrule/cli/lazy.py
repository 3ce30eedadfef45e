"""Commands whose modules are imported when they are used.

``chainrule --help`` needs each command's name and one-line summary, not its
options: :class:`LazyGroup` lists the commands of its ``lazy`` table with
their summaries and imports a command's module only when that command runs
or prints its own help (the pattern of Click's "lazily loading
subcommands"). The explainer, the tables and the plots stay unloaded until a
command needs them.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any, ClassVar

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

try:  # Typer >= 0.29 vendors Click
    from typer._click import Command, Context
    from typer._click.exceptions import UsageError
except ImportError:  # pragma: no cover - Typer with Click as a dependency
    from click import Command, Context
    from click.exceptions import UsageError


class PipeClosedError(Exception):
    """stdout's reader went away; not an OSError, which Click turns into exit 1."""


class CommandInterruptedError(Exception):
    """Ctrl-C in a command; not a KeyboardInterrupt, which Typer turns into a
    silent exit 130."""


def pipe_safe(command):
    """``command`` with a closed pipe and Ctrl-C turned into
    :class:`PipeClosedError` and :class:`CommandInterruptedError`, which
    :func:`chainrule.cli.app.main` reports."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except BrokenPipeError:
            raise PipeClosedError from None
        except KeyboardInterrupt:
            raise CommandInterruptedError from None

    return wrapper


@dataclass(frozen=True)
class LazyCommand:
    """A command of the ``chainrule`` group, loaded on first use.

    Parameters
    ----------
    name : str
        The command's name on the command line.
    module, function : str
        Where the command's function is (``module.function``); the module's
        ``EPILOG``, when it has one, ends the command's help.
    summary : str
        The first paragraph of the function's docstring, shown by
        ``chainrule --help``.
    command_class : {"typer", "optional-value"}
        ``"optional-value"`` for a command with options whose value may be
        left out (:class:`chainrule.cli.optional_value.OptionalValueCommand`).
    pipe_safe : bool
        Wrap the function with :func:`pipe_safe` (every command but a server).
    """

    name: str
    module: str
    function: str
    summary: str
    command_class: str = "typer"
    pipe_safe: bool = True

    def load(self) -> Command:
        """Import the module and build the Click command."""
        module = importlib.import_module(self.module)
        function = getattr(module, self.function)
        if self.pipe_safe:
            function = pipe_safe(function)
        options: dict[str, Any] = {"epilog": getattr(module, "EPILOG", None)}
        if self.command_class == "optional-value":
            from chainrule.cli.optional_value import OptionalValueCommand

            options["cls"] = OptionalValueCommand
        single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        single.command(self.name, **options)(function)
        return typer.main.get_command(single)

    def placeholder(self) -> Command:
        """A command that only carries the name and summary, for the group's
        help."""
        return TyperCommand(self.name, help=self.summary)


class LazyGroup(TyperGroup):
    """A Typer group that adds the commands of ``lazy`` when they are used.

    Subclasses set ``lazy`` (name -> :class:`LazyCommand`, in the order of
    the help); the commands registered with Typer come first.
    """

    lazy: ClassVar[dict[str, LazyCommand]] = {}
    _listing = False

    def list_commands(self, ctx: Context) -> list[str]:
        eager = super().list_commands(ctx)
        return eager + [name for name in self.lazy if name not in eager]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        command = super().get_command(ctx, cmd_name)
        entry = self.lazy.get(cmd_name)
        if command is not None or entry is None:
            return command
        if self._listing:
            return entry.placeholder()
        command = entry.load()
        self.add_command(command, cmd_name)
        return command

    def format_help(self, ctx: Context, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as exc:
            if args and "Did you mean" not in exc.message:
                close = get_close_matches(args[0], self.list_commands(ctx))
                if close:
                    names = ", ".join(repr(name) for name in close)
                    exc.message = f"{exc.message.rstrip('.')}. Did you mean {names}?"
            raise
