"""Subcommands of the ``videohelp`` command line, one module each.

Every module here defines ``register(subparsers, common)``, which adds its
parser and sets ``func`` to a callable taking the parsed arguments and
returning an exit code. ``cli`` discovers them, so adding a command touches
only its own module.
"""
