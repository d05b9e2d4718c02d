#if canImport(Glibc)
import Glibc
#endif

#if FUZZING
// libFuzzer's own driver, linked by -sanitize=fuzzer. Declared only in fuzzing builds: a normal
// build has no libFuzzer, and a reference would not link.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
#endif

/// The `main` of every fuzz target. Built by Tests/Fuzz/run.sh (`-sanitize=fuzzer -DFUZZING`) it
/// hands the harness to libFuzzer; a normal build makes a replay tool that runs the harness on
/// the files named on the command line (`FuzzReplay`). Swift's own `main` stays the entry point
/// either way (SwiftPM renames it; libFuzzer's `main` would be overridden and never fuzz).
public enum FuzzEntry {
    public static func main(_ harness: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, harness))
        #else
        exit(FuzzReplay.main(CommandLine.arguments) { harness($0, $1) })
        #endif
    }
}
