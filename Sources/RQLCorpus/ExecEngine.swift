import Foundation
import RQL
#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The system calls, under names the session's own methods do not shadow.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int { write(fd, bytes, count) }
private func systemRead(_ fd: Int32, _ bytes: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(fd, bytes, count) }

/// `rql test --engine exec:'COMMAND ARGS'`: the command line of an engine speaking the line
/// protocol. Words are split on spaces and tabs; single or double quotes keep spaces in a word.
public struct ExecCommand: Sendable, Equatable, CustomStringConvertible {
    public var executable: String
    public var arguments: [String]

    /// Parses `COMMAND ARGS`; nil when there is no command word or a quote is not closed.
    public init?(_ text: String) {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        for ch in text {
            if let q = quote {
                if ch == q { quote = nil } else { current.append(ch) }
            } else if ch == "'" || ch == "\"" {
                quote = ch
                inWord = true
            } else if ch == " " || ch == "\t" {
                if inWord { words.append(current); current = ""; inWord = false }
            } else {
                current.append(ch)
                inWord = true
            }
        }
        guard quote == nil else { return nil }
        if inWord { words.append(current) }
        guard let first = words.first, !first.isEmpty else { return nil }
        executable = first
        arguments = Array(words.dropFirst())
    }

    public var description: String { ([executable] + arguments).joined(separator: " ") }

    /// The executable's path: as given when it contains a `/`, else the first match on `PATH`
    /// (as a shell finds it). Nil when nothing executable is found.
    public func resolvedPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if executable.contains("/") { return access(executable, X_OK) == 0 ? executable : nil }
        for directory in (environment["PATH"] ?? "").split(separator: ":") where !directory.isEmpty {
            let candidate = directory + "/" + executable
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }
}

/// One file's conversation with an exec engine: the process is started at the first request,
/// and again after it fails (crashes, hangs, or answers something that is not an answer), in
/// which case the state-changing blocks it had answered are replayed first so the restarted
/// engine is where the old one was. Every failure is the current case's, with what the engine
/// printed; the run goes on.
public final class ExecSession {
    /// How long an engine may take to answer one request before it counts as hung and is killed.
    public static let requestTimeout: Double = 10
    /// How long an engine may take to exit after its input is closed, before it is killed.
    static let exitGrace: Double = 1
    /// The longest answer line read (a bigger one is garbled, not read into memory forever).
    static let maxResponseBytes = 16 << 20
    /// How often a start that fails with ETXTBSY is tried again: a script just written may still
    /// be open for writing in another process forked meanwhile (the file is busy for a moment).
    static let busyRetries = 20
    /// How much of what the engine printed (the bad line, the end of its standard error) a
    /// failure report quotes.
    static let quotedBytes = 600

    let command: ExecCommand
    let timeout: Double
    /// The engine's process id (it leads its own process group); nil when none is running.
    private var pid: pid_t?
    private var input: Int32 = -1
    private var output: Int32 = -1
    private var errorLog: String?
    private var pending: [UInt8] = []
    /// The state-changing requests answered so far, to replay into a restarted engine.
    private var history: [CorpusRequest] = []

    public init(command: ExecCommand, timeout: Double = ExecSession.requestTimeout) {
        self.command = command
        self.timeout = timeout
        // A dead engine's closed stdin must be an error to write to, not a signal that ends rql.
        signal(SIGPIPE, SIG_IGN)
    }

    deinit { stop() }

    /// Sends one request and waits for its answer.
    public func perform(_ request: CorpusRequest) -> CorpusResponse {
        if pid == nil {
            if let failure = start() { return .failure(failure) }
            for earlier in history {
                if case .failure(let message) = exchange(earlier) {
                    return .failure("restarted, it failed replaying the \(earlier.op) block at line \(earlier.line): \(message)")
                }
            }
        }
        let response = exchange(request)
        if case .failure = response { return response }
        if request.changesState { history.append(request) }
        return response
    }

    /// One request and its answer; a failure kills the process (the next request restarts it).
    private func exchange(_ request: CorpusRequest) -> CorpusResponse {
        let deadline = Date().addingTimeInterval(timeout)
        if let problem = write(request.jsonLine + "\n", deadline: deadline) {
            return fail(problem, exiting: true)
        }
        switch readLine(deadline: deadline) {
        case .line(let line):
            guard let response = CorpusResponse.parse(line, for: request.answerKind) else {
                return fail("answered \(Self.quote(line)), which is not an answer to '\(request.op)' "
                            + "(one JSON object: \(Self.shapes(request.answerKind)))")
            }
            return response
        case .endOfFile:
            return fail("exited before answering", exiting: true)
        case .timedOut:
            return fail("gave no answer within \(Self.seconds(timeout)) s (killed)")
        case .tooLong:
            return fail("printed more than \(Self.maxResponseBytes) bytes without a newline")
        case .readError(let code):
            return fail("could not be read: \(String(cString: strerror(code)))")
        }
    }

    /// Ends the process: closes its input, gives it `exitGrace` to exit, then kills its group.
    public func stop() {
        if input >= 0 { close(input); input = -1 }
        if let pid {
            let deadline = Date().addingTimeInterval(Self.exitGrace)
            var exited = false
            while !exited, Date() < deadline {
                exited = reap(pid, wait: false) != nil
                if !exited { usleep(5_000) }
            }
            if !exited {
                kill(-pid, SIGKILL)
                _ = reap(pid, wait: true)
            }
            self.pid = nil
        }
        if output >= 0 { close(output); output = -1 }
        if let errorLog { unlink(errorLog) }
        errorLog = nil
        pending = []
    }

    // MARK: Process

    /// Starts the engine in a process group of its own (so a hung engine's children go with it);
    /// the reason when it cannot be started.
    private func start() -> String? {
        guard let path = command.resolvedPath() else {
            return "cannot start '\(command.executable)': not found or not executable"
                + (command.executable.contains("/") ? "" : " on PATH (give a path, or add its folder to PATH)")
        }
        var toEngine: [Int32] = [-1, -1], fromEngine: [Int32] = [-1, -1]
        guard pipe(&toEngine) == 0 else { return "cannot start '\(command)': \(String(cString: strerror(errno)))" }
        guard pipe(&fromEngine) == 0 else {
            close(toEngine[0]); close(toEngine[1])
            return "cannot start '\(command)': \(String(cString: strerror(errno)))"
        }
        // Only the ends dup'ed to 0 and 1 reach the engine (an inherited write end of its own
        // output pipe would keep it from ever seeing end of file).
        for fd in toEngine + fromEngine { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        // Standard error goes to a file, read only for reports: a pipe nobody drains could fill
        // up and stall the engine.
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("rql-engine-\(UUID().uuidString).stderr").path
        let errorFD = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, toEngine[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromEngine[1], 1)
        if errorFD >= 0 { posix_spawn_file_actions_adddup2(&actions, errorFD, 2) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + command.arguments).map { strdup($0) } + [nil]
        var child: pid_t = 0
        var status = posix_spawn(&child, path, &actions, &attributes, argv, environ)
        for _ in 0..<Self.busyRetries where status == ETXTBSY {
            usleep(50_000)
            status = posix_spawn(&child, path, &actions, &attributes, argv, environ)
        }
        argv.forEach { free($0) }
        posix_spawn_file_actions_destroy(&actions)
        posix_spawnattr_destroy(&attributes)
        close(toEngine[0])
        close(fromEngine[1])
        if errorFD >= 0 { close(errorFD) }
        guard status == 0 else {
            close(toEngine[1]); close(fromEngine[0])
            unlink(log)
            return "cannot start '\(command)': \(String(cString: strerror(status)))"
        }
        pid = child
        input = toEngine[1]
        output = fromEngine[0]
        errorLog = errorFD >= 0 ? log : nil
        // Writes must never block past the deadline (an engine that stops reading).
        _ = fcntl(input, F_SETFL, fcntl(input, F_GETFL) | O_NONBLOCK)
        return nil
    }

    /// Waits for the engine (or only looks, when `wait` is false); its wait status once it exited.
    private func reap(_ pid: pid_t, wait: Bool) -> Int32? {
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, wait ? 0 : WNOHANG)
            if r == pid { return status }
            if r < 0, errno == EINTR { continue }
            return r < 0 ? 0 : nil  // an error (no such child) counts as gone
        }
    }

    /// Kills the engine and describes the failure, with how it ended and the end of its
    /// standard error. `exiting`: it closed its output or input, so it is given `exitGrace` to
    /// finish exiting and tell its status.
    private func fail(_ what: String, exiting: Bool = false) -> CorpusResponse {
        var ending = ""
        if let pid {
            // An engine that exited says how; a running one is killed here.
            var status = reap(pid, wait: false)
            let deadline = Date().addingTimeInterval(exiting ? Self.exitGrace : 0)
            while status == nil, Date() < deadline {
                usleep(5_000)
                status = reap(pid, wait: false)
            }
            if let status {
                ending = status & 0x7F == 0 ? " (exit status \((status >> 8) & 0xFF))" : " (killed by signal \(status & 0x7F))"
            } else {
                kill(-pid, SIGKILL)
                _ = reap(pid, wait: true)
            }
            self.pid = nil
        }
        var printed = ""
        if let errorLog, let data = FileManager.default.contents(atPath: errorLog), !data.isEmpty {
            printed = "; its standard error ends: " + Self.quote(String(decoding: data.suffix(Self.quotedBytes), as: UTF8.self))
        }
        stop()
        return .failure("the engine '\(command)' \(what)\(ending)\(printed)")
    }

    private func write(_ text: String, deadline: Date) -> String? {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { systemWrite(input, $0.baseAddress, $0.count) }
            if written > 0 { bytes = bytes.dropFirst(written); continue }
            let code = errno
            if written < 0, code == EAGAIN || code == EINTR {
                var fd = pollfd(fd: input, events: Int16(POLLOUT), revents: 0)
                let wait = Self.milliseconds(until: deadline)
                if wait == 0 { return "did not read its input within \(Self.seconds(timeout)) s (killed)" }
                _ = poll(&fd, 1, wait)
                continue
            }
            return code == EPIPE ? "exited before reading the request" : "could not be written to: \(String(cString: strerror(code)))"
        }
        return nil
    }

    enum ReadResult {
        case line(String)
        case endOfFile, timedOut, tooLong
        case readError(Int32)
    }

    /// The next line of the engine's output, waiting at most until `deadline`.
    private func readLine(deadline: Date) -> ReadResult {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(pending[..<newline])
                pending.removeFirst(newline + 1)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return .line(String(decoding: line, as: UTF8.self))
            }
            if pending.count > Self.maxResponseBytes { return .tooLong }
            var fd = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            let wait = Self.milliseconds(until: deadline)
            if wait == 0 { return .timedOut }
            let ready = poll(&fd, 1, wait)
            if ready < 0 {
                if errno == EINTR { continue }
                return .readError(errno)
            }
            if ready == 0 { continue }  // the deadline is checked above
            let count = buffer.withUnsafeMutableBytes { systemRead(output, $0.baseAddress, $0.count) }
            if count == 0 {
                // A last line without its newline is still an answer.
                if pending.isEmpty { return .endOfFile }
                let line = String(decoding: pending, as: UTF8.self)
                pending = []
                return .line(line)
            }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .readError(errno)
            }
            pending += buffer[..<count]
        }
    }

    // MARK: Formatting

    static func milliseconds(until deadline: Date) -> Int32 {
        let left = deadline.timeIntervalSinceNow
        return left <= 0 ? 0 : Int32(min(left * 1000, Double(Int32.max)).rounded(.up))
    }

    static func seconds(_ s: Double) -> String {
        s == s.rounded() ? String(Int(s)) : String(s)
    }

    /// What the engine printed, quoted and cut to `quotedBytes`, its control characters escaped.
    static func quote(_ text: String) -> String {
        let cut = text.utf8.count > quotedBytes ? String(decoding: text.utf8.prefix(quotedBytes), as: UTF8.self) + "…" : text
        return ControlCharacters.jsonQuoted(cut)
    }

    static func shapes(_ kind: CorpusRequest.AnswerKind) -> String {
        switch kind {
        case .load: "{\"ok\": true} or {\"error\": {\"kind\": ..., \"message\": ...}}"
        case .matches: "{\"ids\": [...]} or {\"error\": {\"kind\": ..., \"message\": ...}}"
        case .text: "{\"text\": ...} or {\"error\": {\"kind\": ..., \"message\": ...}}"
        }
    }
}
