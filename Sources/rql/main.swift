import RQL
print(Printer.print(Parser.parse(CommandLine.arguments.dropFirst().joined(separator: " ")).query))
