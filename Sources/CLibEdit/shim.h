// libedit's readline-compatible API (Debian package libedit-dev), for the rql REPL.
#include <stdio.h>
#include <editline/readline.h>
