"""The README and the example configuration against the code (after sqlite-utils' test_docs.py).

Both directions: everything the CLI offers is documented, and everything the README
promises exists, so neither can drift without a failing test.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest

from searchapp.cli import cli
from searchapp.config import DEFAULTS

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
CONFIG_EXAMPLE = REPO / "instance" / "config.example.py"

COMMANDS = sorted(cli.commands)


def _code(markdown: str) -> str:
    """The code of a Markdown text: inline code spans, fenced and indented blocks."""
    parts = re.findall(r"```.*?```", markdown, flags=re.S)
    rest = re.sub(r"```.*?```", "", markdown, flags=re.S)
    parts += re.findall(r"^(?: {4}|\t)(.*)$", rest, flags=re.M)
    parts += re.findall(r"`([^`\n]+)`", rest)
    return "\n".join(parts)


README_CODE = _code(README)


def _context(command: click.Command) -> click.Context:
    """A context as the command gets it under the group (which sets -h as a help name)."""
    root = click.Context(cli, info_name="scrapesearch", **cli.context_settings)
    return root if command is cli else click.Context(command, info_name=command.name,
                                                     parent=root)


def _options(command: click.Command) -> list[str]:
    ctx = _context(command)
    return [opt for p in command.get_params(ctx) if isinstance(p, click.Option)
            for opt in p.opts + p.secondary_opts]


def _mentioned(option: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text) is not None


def test_readme_has_the_code_it_is_checked_against():
    # The checks below mean nothing if the parsing finds nothing.
    assert "scrapesearch reindex" in README_CODE
    assert len(COMMANDS) >= 6


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help(name):
    command = cli.commands[name]
    assert command.help and command.help.strip(), f"`scrapesearch {name}` has no help text"
    assert command.get_short_help_str().strip()


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_readme(name):
    assert re.search(rf"\bscrapesearch {name}\b", README_CODE), (
        f"README.md never shows `scrapesearch {name}`")


@pytest.mark.parametrize("name", ["(group)", *COMMANDS])
def test_every_option_is_in_readme(name):
    command = cli if name == "(group)" else cli.commands[name]
    for option in _options(command):
        assert _mentioned(option, README), f"{option} of {name} is not in README.md"


@pytest.mark.parametrize("option", sorted(p.opts[0] for p in cli.params
                                          if isinstance(p, click.Option)))
def test_group_options_have_help(option):
    param = next(p for p in cli.params if option in p.opts)
    assert param.help, f"{option} has no help text"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_options_have_help(name):
    command = cli.commands[name]
    ctx = _context(command)
    missing = [p.opts[0] for p in command.get_params(ctx)
               if isinstance(p, click.Option) and not p.help
               and p.name not in ("sort",)]  # --sort's choices say it all
    assert not missing, f"options of {name} without help: {missing}"


def test_every_readme_command_exists():
    mentioned = set(re.findall(r"(?:^|[\s/(])scrapesearch ([a-z][a-z-]*)", README_CODE,
                               flags=re.M))
    assert mentioned, "no `scrapesearch <command>` found in README.md"
    unknown = mentioned - set(COMMANDS)
    assert not unknown, f"README.md shows unknown commands: {sorted(unknown)}"


def test_every_readme_option_exists():
    known = set(_options(cli))
    for name in COMMANDS:
        known |= set(_options(cli.commands[name]))
    # and those of the OpenSearch node launcher's script (`opensearch-node/start --nodes 3`)
    start = (REPO / "opensearch-node" / "start").read_text(encoding="utf-8")
    known |= set(re.findall(r"^\s+(--[a-z][a-z-]*)\)", start, re.MULTILINE))
    mentioned = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", README))
    unknown = mentioned - known
    assert not unknown, f"README.md mentions options the CLI does not have: {sorted(unknown)}"


def _options_table() -> list[tuple[list[str], str]]:
    """(option names, commands cell) of each row of README's options table."""
    start = README.index("| option | commands | meaning |")
    rows = []
    for line in README[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        names = re.findall(r"`(-{1,2}[a-z][a-z-]*)", cells[0])
        rows.append((names, cells[1]))
    return rows


@pytest.mark.parametrize("names,where", _options_table(), ids=lambda v: str(v))
def test_options_table_says_where_each_option_is(names, where):
    """The 'commands' column of README's options table is exactly right."""
    assert names
    if where.startswith("all"):
        everywhere = [cli] + [cli.commands[c] for c in COMMANDS]
        assert all(n in _options(cli) or all(n in _options(c) for c in everywhere)
                   for n in names), f"{names} is not available everywhere"
        return
    listed = {c.strip() for c in where.split(",")}
    assert listed <= set(COMMANDS), where
    having = {c for c in COMMANDS if all(n in _options(cli.commands[c]) for n in names)}
    assert having == listed, f"{names}: README says {sorted(listed)}, the CLI has {sorted(having)}"


def test_exit_codes_table_matches_cli():
    from searchapp import cli as cli_module

    documented = {int(code) for code in re.findall(r"^\| (\d) \|", README, flags=re.M)}
    assert documented == {cli_module.EXIT_OK, cli_module.EXIT_SKIPPED, cli_module.EXIT_USAGE,
                          cli_module.EXIT_FAILED}


# --------------------------------------------------------------------- configuration


def _settings_in(source: str) -> set[str]:
    """Names that the file sets, or shows commented out as `# NAME = value`."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    for line in source.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            continue
        code = stripped.lstrip("#").strip()
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue  # prose
        for node in tree.body:
            if isinstance(node, ast.Assign):
                names |= {t.id for t in node.targets
                          if isinstance(t, ast.Name) and t.id.isupper()}
    return names


def test_settings_parser_finds_commented_assignments():
    src = '# Prose with = sign.\n# ENV_VAR=/path (a note)\n# KEY = "x"\nOTHER = 1\n'
    assert _settings_in(src) == {"KEY", "OTHER"}


def test_config_example_documents_every_setting():
    shown = _settings_in(CONFIG_EXAMPLE.read_text(encoding="utf-8"))
    assert set(DEFAULTS) - shown == set(), "settings missing from instance/config.example.py"
    assert shown - set(DEFAULTS) == set(), "instance/config.example.py shows unknown settings"
