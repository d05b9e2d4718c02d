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
        let data = extendedJSON(Dataset.items(count: objects))
        guard FileManager.default.createFile(atPath: schemaPath, contents: Data(schemaJSON.utf8)),
              FileManager.default.createFile(atPath: dataPath, contents: data) else {
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
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        // Linux reports ru_maxrss in kilobytes.
        let peakMB = Double(usage.ru_maxrss) / 1024
        let count = printed.trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, count == String(objects) else {
            fail("rql eval --count exited with \(process.terminationStatus) and printed '\(count)', expected \(objects)", status: 1)
        }
        let megabytes = Double(data.count) / 1e6
        if json {
            print("{\"objects\": \(objects), \"mb\": \(fixed(megabytes, 1)), \"load_s\": \(fixed(seconds, 3)), "
                  + "\"mb_per_s\": \(fixed(megabytes / seconds, 1)), \"peak_rss_mb\": \(fixed(peakMB, 1))}")
        } else {
            print("rql eval --count over \(objects) objects (\(fixed(megabytes, 1)) MB): \(fixed(seconds, 3)) s, "
                  + "\(fixed(megabytes / seconds, 1)) MB/s, peak RSS \(fixed(peakMB, 1)) MB")
        }
    }

    /// The objects as Extended JSON lines in the benchmark schema's property order.
    static func extendedJSON(_ items: [Item]) -> Data {
        var out = ""
        out.reserveCapacity(items.count * 160)
        for item in items {
            let tags = item.tags.map { "\"\($0)\"" }.joined(separator: ",")
            out += "{\"_id\":\(item.id),\"name\":\"\(item.name)\",\"age\":\(item.age),"
            out += "\"score\":\(item.score.map { "\($0)" } ?? "null"),\"active\":\(item.active),"
            out += "\"owner\":\(item.owner.map { "\"\($0)\"" } ?? "null"),\"tags\":[\(tags)],"
            out += "\"created\":{\"$date\":\"\(ExtendedJSON.iso8601(Timestamp(seconds: item.created, nanoseconds: 0)))\"}}\n"
        }
        return Data(out.utf8)
    }

    static func fail(_ message: String, status: Int32) -> Never {
        FileHandle.standardError.write(Data("rql-bench --load: \(message)\n".utf8))
        exit(status)
    }
}
