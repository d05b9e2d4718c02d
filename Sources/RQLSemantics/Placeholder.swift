import RQLSyntax
