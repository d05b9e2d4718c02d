/// Reading timestamp literals as realm-core does (`ConstantNode::get_value`, case `TIMESTAMP`, in
/// realm-core's src/realm/parser/driver.cpp).
///
/// `T<sec>:<ns>`: seconds and nanoseconds must not have opposite signs (`get_timestamp_if_valid`).
///
/// `YYYY-MM-DD@HH:MM:SS[:NS]` (or `T` for `@`): realm-core reads the fields with `sscanf` into a
/// `struct tm` and converts it with `platform_timegm` (src/realm/utilities.cpp), which is `timegm(3)`:
/// fields out of range are normalised, never rejected, so `2024-02-30@00:00:00` is 2024-03-01 and
/// `2024-01-01@24:00:00` is 2024-01-02. We read them the same way, and the lexer says so with a
/// `nonexistentDate` warning. Before the epoch the nanoseconds count away from it
/// (`1969-12-31@23:59:59:1` is `T-1:-1`).
///
/// Nanoseconds of one second or more (`T0:1000000000`, `...@00:00:00:1000000000`) fail the assertion
/// in realm-core's `Timestamp` constructor, an abort; here they are an error.
package enum TimestampLiteral {
    package struct Reading: Equatable, Sendable {
        package var seconds: Int64
        package var nanoseconds: Int32
        /// For a readable date whose fields are out of range, what realm-core makes of them: only the
        /// date (`2024-03-01`) when the time of day exists, otherwise date and time with the
        /// literal's separator (`2024-01-05@04:40:39`); nil for a date that exists.
        package var normalized: String?
    }

    package enum Problem: Error, Equatable, Sendable {
        /// `T1:-1`, `T-1:1`.
        case mixedSigns
        /// Nanoseconds of 1,000,000,000 or more.
        case nanosecondsOutOfRange
        /// Seconds (or a readable date's fields) beyond 64 bits.
        case outOfRange
    }

    /// Reads a TIMESTAMP token's text (whose shape the lexer has checked).
    package static func read(_ text: some Collection<UInt8>) -> Result<Reading, Problem> {
        let bytes = Array(text)
        if bytes.first == UInt8(ascii: "T") { return readEpoch(bytes.dropFirst()) }
        return readReadable(bytes)
    }

    private static func readEpoch(_ text: ArraySlice<UInt8>) -> Result<Reading, Problem> {
        let parts = text.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parts.count == 2,
              let seconds = Int64(String(decoding: parts[0], as: UTF8.self)),
              let nanos = Int64(String(decoding: parts[1], as: UTF8.self)) else { return .failure(.outOfRange) }
        guard nanos.magnitude < 1_000_000_000 else { return .failure(.nanosecondsOutOfRange) }  // abs(Int64.min) traps
        guard !(seconds < 0 && nanos > 0 || seconds > 0 && nanos < 0) else { return .failure(.mixedSigns) }
        return .success(Reading(seconds: seconds, nanoseconds: Int32(nanos)))
    }

    private static func readReadable(_ text: [UInt8]) -> Result<Reading, Problem> {
        var fields: [Int64] = []
        var current: Int64 = 0
        var separator = "@"
        for c in text {
            if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                current = current * 10 + Int64(c - UInt8(ascii: "0"))
                // Far beyond any calendar field, and keeps the arithmetic below from overflowing.
                if current > 1_000_000_000_000 { return .failure(.outOfRange) }
            } else {
                if fields.count == 2 { separator = String(UnicodeScalar(c)) }
                fields.append(current)
                current = 0
            }
        }
        fields.append(current)
        guard fields.count == 6 || fields.count == 7 else { return .failure(.outOfRange) }
        let nanos = fields.count == 7 ? fields[6] : 0
        guard nanos < 1_000_000_000 else { return .failure(.nanosecondsOutOfRange) }
        // timegm's normalisation: months carry into years, then days, hours, minutes and seconds
        // are simply added up.
        var year = fields[0], month = fields[1] - 1
        year += month >= 0 ? month / 12 : (month - 11) / 12
        month = ((month % 12) + 12) % 12
        let days = daysFromCivil(year: year, month: month + 1, day: 1) + fields[2] - 1
        let (daySeconds, o1) = days.multipliedReportingOverflow(by: 86_400)
        let (seconds, o2) = daySeconds.addingReportingOverflow(fields[3] * 3_600 + fields[4] * 60 + fields[5])
        guard !o1, !o2 else { return .failure(.outOfRange) }
        var reading = Reading(seconds: seconds, nanoseconds: Int32(seconds < 0 ? -nanos : nanos))
        let civil = civil(seconds: seconds)
        if [civil.year, civil.month, civil.day, civil.hour, civil.minute, civil.second] != Array(fields[0..<6]) {
            let timeExists = fields[3] < 24 && fields[4] < 60 && fields[5] < 60
            reading.normalized = civil.spelling(separator: timeExists ? nil : separator)
        }
        return .success(reading)
    }

    /// A calendar date and time of day (UTC, proleptic Gregorian).
    package struct Civil: Equatable, Sendable {
        package var year: Int64, month: Int64, day: Int64
        package var hour: Int64, minute: Int64, second: Int64

        /// `2024-03-01` and, with a separator, `2024-03-01@00:00:00`.
        package func spelling(separator: String? = nil) -> String {
            func pad(_ n: Int64, _ width: Int) -> String {
                let digits = String(n.magnitude)
                return (n < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
            }
            let date = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
            guard let separator else { return date }
            return date + separator + pad(hour, 2) + ":" + pad(minute, 2) + ":" + pad(second, 2)
        }
    }

    /// The calendar date and time of whole seconds since the epoch.
    package static func civil(seconds: Int64) -> Civil {
        // Floor division by way of the remainder, which cannot overflow even at Int64.min.
        let remainder = seconds % 86_400
        let days = seconds / 86_400 - (remainder < 0 ? 1 : 0)
        let secondOfDay = remainder < 0 ? remainder + 86_400 : remainder
        // Civil from days (Howard Hinnant).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return Civil(year: year, month: month, day: day,
                     hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60, second: secondOfDay % 60)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    package static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
