"""`python -m bot` is the same as the `hoidoan` command."""


from bot.cli import entry

entry()
