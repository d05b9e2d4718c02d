@preconcurrency import CLibEdit
import Foundation
import RQLShell
import Synchronization

/// Set by the SIGINT handler (`EditLineSource.installInterruptHandler`): the shell's long work
/// polls it through `Shell.isInterrupted`, and reading a line clears it.
let interruptRequested = Atomic<Bool>(false)

/// The shell's input on a terminal: libedit's readline with history (~/.rql_history), Tab
/// completion from the `Completer`, Ctrl-C that clears the line or cancels a running query, and
/// the shell's `width` kept to the terminal's.
struct EditLineSource: LineSource {
    /// Entries kept in the history file.
    static let historyLimit: Int32 = 1_000
    let historyPath: String

    init(shell: Shell, historyPath: String) {
        self.historyPath = historyPath
        setlocale(LC_CTYPE, "")  // without it libedit drops non-ASCII input
        completionShell = shell
        Self.installInterruptHandler()
        rl_getc_function = { _ in TerminalInput.nextCharacter() }  // read only once rl_initialize runs
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
        completionShell?.width = ReplCommand.terminalWidth()  // the window may have been resized
        interruptRequested.store(false, ordering: .relaxed)
        TerminalInput.forgetInterrupts()
        errno = 0
        let line = readline(prompt)
        defer { free(line) }
        // After Ctrl-C libedit may return NULL or, seeing end of input mid-line, the partial line:
        // either way the line is dropped.
        if interruptRequested.exchange(false, ordering: .relaxed) || (line == nil && errno == EINTR) {
            print("^C")
            return .interrupted
        }
        guard let line else {
            print("")
            return .endOfInput
        }
        return .line(String(cString: line))
    }

    mutating func remember(_ statement: String) {
        add_history(statement)
        write_history(historyPath)  // after each statement, so a crash loses nothing
    }

    /// SIGINT without SA_RESTART sets the flag a running query polls and wakes `TerminalInput`.
    static func installInterruptHandler() {
        TerminalInput.open()
        var action = sigaction()
        action.__sigaction_handler = .init(sa_handler: { _ in
            interruptRequested.store(true, ordering: .relaxed)
            TerminalInput.wakeUp()
        })
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }
}

/// libedit's input, one character at a time, for `rl_getc_function`.
///
/// libedit's own reader misses a Ctrl-C typed while it is busy echoing earlier keys: the terminal
/// flushes the unread keys, the signal lands outside `read`, and `read` then blocks until the next
/// key. This reader waits in `poll` on the terminal and on a pipe the SIGINT handler writes to, so
/// an interrupt ends the line whenever it arrives. It reads the terminal through its own
/// non-blocking descriptor: keys flushed between `poll` and `read` give EAGAIN, not a hang (stdin
/// itself stays blocking, as stdout shares its file description).
enum TerminalInput {
    /// Returns the next Unicode scalar typed (libedit takes the code point), or -1 (end of input)
    /// on an interrupt, a hang-up or a read error.
    static func nextCharacter() -> Int32 {
        guard let lead = nextByte(), let scalar = TerminalDecoding.scalar(lead: lead, next: nextByte) else { return -1 }
        return Int32(bitPattern: scalar)
    }

    private static func nextByte() -> UInt8? {
        var fds = [pollfd(fd: terminal, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wakeUpPipe.read, events: Int16(POLLIN), revents: 0)]
        while true {
            if interruptRequested.load(ordering: .relaxed) { return nil }
            if poll(&fds, 2, -1) < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if fds[1].revents != 0 { return nil }
            var byte: UInt8 = 0
            switch Glibc.read(terminal, &byte, 1) {
            case 1: return byte
            case -1 where errno == EINTR || errno == EAGAIN: continue
            default: return nil
            }
        }
    }

    /// Opens the terminal's non-blocking descriptor and the wake-up pipe; without them (no tty
    /// name, no descriptors left) input falls back to blocking reads of stdin.
    static func open() {
        if let name = ttyname(STDIN_FILENO) {
            let descriptor = Glibc.open(name, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
            if descriptor >= 0 { terminal = descriptor }
        }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        wakeUpPipe = (ends[0], ends[1])
    }

    /// Called from the signal handler: `write` is async-signal-safe.
    static func wakeUp() {
        var byte: UInt8 = 1
        _ = Glibc.write(wakeUpPipe.write, &byte, 1)
    }

    /// Empties the pipe of interrupts that were meant for an earlier line or query.
    static func forgetInterrupts() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while Glibc.read(wakeUpPipe.read, &buffer, buffer.count) > 0 {}
    }
}

nonisolated(unsafe) private var terminal = STDIN_FILENO
nonisolated(unsafe) private var wakeUpPipe: (read: Int32, write: Int32) = (-1, -1)
nonisolated(unsafe) private var completionShell: Shell?
nonisolated(unsafe) private var completionMatches: [String] = []
