@preconcurrency import CLibEdit
import Foundation
import RQLShell
import Synchronization

/// The shell's input on a terminal: libedit's readline with history (~/.rql_history), Tab
/// completion from the `Completer`, and Ctrl-C that clears the line or cancels a running query.
struct EditLineSource: LineSource {
    /// Entries kept in the history file.
    static let historyLimit: Int32 = 1_000
    let historyPath: String

    init(shell: Shell, historyPath: String) {
        self.historyPath = historyPath
        setlocale(LC_CTYPE, "")  // without it libedit drops non-ASCII input
        completionShell = shell
        Self.installInterruptHandler()
        rl_initialize()
        rl_parse_and_bind("settc bl \r")  // no bell on every Tab
        rl_completion_append_character = 0
        rl_attempted_completion_function = { text, start, end in
            rl_attempted_completion_over = 1  // libedit resets it: never fall back to file names
            let prefix = text.map { String(cString: $0) } ?? ""
            let line = rl_line_buffer.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: Int(end)), as: UTF8.self) } ?? prefix
            guard let shell = completionShell else { return nil }
            completionMatches = Completer.candidates(line: line, prefix: prefix, shell: shell)
            if completionMatches.isEmpty { return nil }
            return rl_completion_matches(text) { _, state in
                Int(state) < completionMatches.count ? strdup(completionMatches[Int(state)]) : nil
            }
        }
        stifle_history(Self.historyLimit)
        read_history(historyPath)
    }

    mutating func read(prompt: String) -> ReadResult {
        interruptRequested.store(false, ordering: .relaxed)
        errno = 0
        guard let line = readline(prompt) else {
            if interruptRequested.exchange(false, ordering: .relaxed) || errno == EINTR {
                fputs("^C\n", stdout)
                return .interrupted
            }
            fputs("\n", stdout)
            return .endOfInput
        }
        defer { free(line) }
        return .line(String(cString: line))
    }

    mutating func remember(_ statement: String) {
        add_history(statement)
        write_history(historyPath)  // after each statement, so a crash loses nothing
    }

    /// SIGINT without SA_RESTART: readline returns NULL and a running query sees the flag.
    static func installInterruptHandler() {
        var action = sigaction()
        action.__sigaction_handler = .init(sa_handler: { _ in interruptRequested.store(true, ordering: .relaxed) })
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }
}

nonisolated(unsafe) private var completionShell: Shell?
nonisolated(unsafe) private var completionMatches: [String] = []
