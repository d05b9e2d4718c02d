import Testing
import RQL
@testable import RQLShell

/// What `rql eval --json` (and `.mode json`) writes, the loader reads back: dates included, at
/// every timestamp the loader can produce.
@Suite struct DateRoundTripTests {
    static let schema = ObjectSchema(title: "Event", properties: [
        Property(name: "_id", type: .scalar(.int)), Property(name: "at", type: .scalar(.date)),
    ])

    /// The timestamp after writing it with the JSON result printer and loading the line back.
    static func roundTrip(_ t: Timestamp) -> Value? {
        let text = ResultPrinter.render([Document(values: [.int(1), .timestamp(t)])], collection: schema, layout: .init(mode: .json))
        let (documents, diagnostics) = DocumentLoader.load(text, schema: schema)
        #expect(diagnostics.isEmpty, "\(t) written as \(text): \(diagnostics.map(\.message))")
        return documents.first?.values[1]
    }

    /// Realm's timestamp of whole seconds plus a nonnegative fraction (nanoseconds share the seconds' sign).
    static func timestamp(floorSeconds s: Int64, nanoseconds n: Int64) -> Timestamp {
        s < 0 && n > 0 ? Timestamp(seconds: s + 1, nanoseconds: Int32(n - 1_000_000_000)) : Timestamp(seconds: s, nanoseconds: Int32(n))
    }

    static func timestamp(milliseconds ms: Int64) -> Timestamp {
        Timestamp(seconds: ms / 1000, nanoseconds: Int32(ms % 1000) * 1_000_000)
    }

    static let firstISOSecond: Int64 = -62_167_219_200   // 0000-01-01T00:00:00Z
    static let lastISOSecond: Int64 = 253_402_300_799    // 9999-12-31T23:59:59Z

    @Test("the edges of the ISO range and of the millisecond range reload exactly")
    func edges() {
        let cases = [
            Self.timestamp(floorSeconds: Self.lastISOSecond, nanoseconds: 999_999_999),
            Self.timestamp(floorSeconds: Self.lastISOSecond + 1, nanoseconds: 0),          // 10000-01-01
            Self.timestamp(floorSeconds: Self.firstISOSecond, nanoseconds: 1),
            Self.timestamp(floorSeconds: Self.firstISOSecond - 1, nanoseconds: 999_000_000), // year -1
            Self.timestamp(milliseconds: .max), Self.timestamp(milliseconds: .min),
            Self.timestamp(milliseconds: -1), Timestamp(seconds: 0, nanoseconds: 0),
        ]
        for t in cases { #expect(Self.roundTrip(t) == .timestamp(t), "\(t)") }
    }

    @Test("random timestamps across the whole range the loader reads reload to the same value")
    func randomTimestamps() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            // SplitMix64: deterministic, so a failure reproduces.
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        for i in 0..<4_000 {
            let t: Timestamp
            if i % 2 == 0 {
                // Any millisecond count: `{"$date": {"$numberLong": ...}}` reaches all of them.
                t = Self.timestamp(milliseconds: Int64(bitPattern: next()))
            } else {
                // Any nanosecond in years 0000-9999: the ISO form reaches all of them.
                let span = UInt64(Self.lastISOSecond - Self.firstISOSecond + 1)
                t = Self.timestamp(floorSeconds: Self.firstISOSecond + Int64(next() % span), nanoseconds: Int64(next() % 1_000_000_000))
            }
            #expect(Self.roundTrip(t) == .timestamp(t), "\(t)")
        }
    }

    @Test("years past 9999 are written as milliseconds, years 0000-9999 as ISO-8601")
    func forms() {
        #expect(ExtendedJSON.date(Self.timestamp(floorSeconds: Self.lastISOSecond + 1, nanoseconds: 0))
            == #"{"$date": {"$numberLong": "253402300800000"}}"#)
        #expect(ExtendedJSON.date(Timestamp(seconds: 1, nanoseconds: 500)) == #"{"$date": "1970-01-01T00:00:01.0000005Z"}"#)
    }
}
