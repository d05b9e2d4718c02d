import Foundation
import RQL

/// `rql-bench --load`: the load path of `rql eval --count` on the standard dataset written as
/// Extended JSON, one compact document per line with ISO dates, as mongoexport writes them.
///
/// The built `rql` next to this binary runs as a child process, so the peak RSS read with
/// `getrusage(RUSAGE_CHILDREN)` is that of the load alone, not of the generator.
enum LoadBenchmark {
    static func run(objects: Int, schemaJSON: String, json: Bool) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rql-bench-load-\(getpid())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let schemaPath = directory.appendingPathComponent("item.json").path
        let dataPath = directory.appendingPathComponent("items.json").path
        guard FileManager.default.createFile(atPath: schemaPath, contents: Data(schemaJSON.utf8)),
              let bytes = writeExtendedJSON(objects: objects, to: dataPath) else {
            fail("cannot write the dataset to \(directory.path)", status: 74)
        }
        let rql = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("rql")
        guard FileManager.default.isExecutableFile(atPath: rql.path) else {
            fail("no built rql next to rql-bench (\(rql.path)); swift build -c release first", status: 66)
        }
        let process = Process()
        process.executableURL = rql
        process.arguments = ["eval", "--schema", schemaPath, "--data", dataPath, "--count", "TRUEPREDICATE"]
        let output = Pipe()
        process.standardOutput = output
        let start = DispatchTime.now().uptimeNanoseconds
        do { try process.run() } catch { fail("cannot start \(rql.path): \(error)", status: 70) }
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        // The child's peak includes this process's own peak at the spawn (Linux keeps the
        // high-water mark of the memory the child replaced at exec): the dataset is written out
        // line by line so that stays a few megabytes.
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        // Linux reports ru_maxrss in kilobytes.
        let peakMB = Double(usage.ru_maxrss) / 1024
        // CPU time next to the wall time: on a shared machine the wall time also counts waiting.
        let cpuSeconds = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        let count = printed.trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, count == String(objects) else {
            fail("rql eval --count exited with \(process.terminationStatus) and printed '\(count)', expected \(objects)", status: 1)
        }
        let megabytes = Double(bytes) / 1e6
        if json {
            print("{\"objects\": \(objects), \"mb\": \(fixed(megabytes, 1)), \"load_s\": \(fixed(seconds, 3)), "
                  + "\"mb_per_s\": \(fixed(megabytes / seconds, 1)), \"peak_rss_mb\": \(fixed(peakMB, 1)), \"cpu_s\": \(fixed(cpuSeconds, 3))}")
        } else {
            print("rql eval --count over \(objects) objects (\(fixed(megabytes, 1)) MB): \(fixed(seconds, 3)) s, "
                  + "\(fixed(megabytes / seconds, 1)) MB/s, peak RSS \(fixed(peakMB, 1)) MB (CPU \(fixed(cpuSeconds, 3)) s)")
        }
    }

    /// Writes the objects as Extended JSON lines in the benchmark schema's property order; the
    /// number of bytes written, or nil.
    static func writeExtendedJSON(objects: Int, to path: String) -> Int? {
        guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
            return nil
        }
        defer { try? file.close() }
        var out = ""
        var written = 0
        func flush() {
            let chunk = Data(out.utf8)
            file.write(chunk)
            written += chunk.count
            out.removeAll(keepingCapacity: true)
        }
        Dataset.forEachItem(count: objects) { item in
            let tags = item.tags.map { "\"\($0)\"" }.joined(separator: ",")
            out += "{\"_id\":\(item.id),\"name\":\"\(item.name)\",\"age\":\(item.age),"
            out += "\"score\":\(item.score.map { "\($0)" } ?? "null"),\"active\":\(item.active),"
            out += "\"owner\":\(item.owner.map { "\"\($0)\"" } ?? "null"),\"tags\":[\(tags)],"
            out += "\"created\":{\"$date\":\"\(ExtendedJSON.iso8601(Timestamp(seconds: item.created, nanoseconds: 0)))\"}}\n"
            if out.utf8.count >= 1 << 20 { flush() }
        }
        flush()
        return written
    }

    static func fail(_ message: String, status: Int32) -> Never {
        FileHandle.standardError.write(Data("rql-bench --load: \(message)\n".utf8))
        exit(status)
    }
}
