#if canImport(Glibc)
import Glibc
#endif

/// Runs work on a thread with a small stack, as a server embeds RQLKit: event-loop and
/// thread-pool threads commonly get 512 KiB, far less than the main thread's 8 MiB.
public enum SmallStack {
    /// The stack every stage must fit in for any query up to Flexible Sync's size limit.
    public static let serverThreadBytes = 512 * 1024

    /// Runs `body` on a new thread with a `bytes`-byte stack and waits for it. A stage that
    /// overflows the stack crashes the process, which is the point of running it here.
    public static func run(stackBytes bytes: Int = serverThreadBytes, _ body: @escaping () -> Void) {
        final class Box { let body: () -> Void; init(_ body: @escaping () -> Void) { self.body = body } }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        precondition(pthread_attr_setstacksize(&attributes, bytes) == 0, "stack size \(bytes) refused")
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, &attributes, { context in
            let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
            box.body()
            return nil
        }, context)
        precondition(created == 0, "pthread_create failed: \(created)")
        pthread_join(thread, nil)
    }
}
