/// A 128-bit IEEE 754-2008 decimal floating-point value (decimal128), with the semantics realm-core
/// gives its `Decimal128` (Intel's BID library underneath).
///
/// A finite value is `(-1)^sign × coefficient × 10^exponent` with `coefficient < 10^34` and
/// `exponent` in `-6176...6111`. Like IEEE decimals, one number has several encodings (a "cohort":
/// `1`, `1.0`, `1.00`); the value keeps the one it was built from so `description` can reproduce it,
/// but `==`, `<` and hashing are numeric, so `1 == 1.0 == 1.00` and `-0 == 0`.
///
/// NaN behaves like `Double.nan`: it is not equal to anything, itself included, and every ordering
/// operator is false. Use ``isNaN``, `compare(_:_:)` (nil for NaN) or ``compareTotal(_:_:)``
/// (realm's sort order, NaN first) when NaN needs handling.
public struct Decimal128: Hashable, Comparable, Sendable, CustomStringConvertible, LosslessStringConvertible {
    /// Decimal digits a coefficient holds.
    public static let maxDigits = 34
    /// Smallest exponent of a finite value (the exponent of the smallest subnormal, 1E-6176).
    public static let minExponent = -6176
    /// Largest exponent of a finite value (`maxDigits` digits at this exponent are the largest finite value).
    public static let maxExponent = 6111

    private enum Kind: UInt8, Sendable {
        case finite, infinity, nan
    }

    private let kind: Kind
    /// Whether the sign bit is set: true for negative numbers, `-0` and `-Infinity`. Always false for NaN.
    public let isSignMinus: Bool
    /// The coefficient of a finite value (below 10^34); 0 for infinities and NaN.
    public let coefficient: UInt128
    /// The exponent of a finite value (`minExponent...maxExponent`); 0 for infinities and NaN.
    public let exponent: Int

    private init(kind: Kind, negative: Bool, coefficient: UInt128, exponent: Int) {
        self.kind = kind
        self.isSignMinus = negative
        self.coefficient = coefficient
        self.exponent = exponent
    }

    /// Not a number (quiet, positive; NaN payloads are not kept).
    public static let nan = Decimal128(kind: .nan, negative: false, coefficient: 0, exponent: 0)
    /// Positive infinity.
    public static let infinity = Decimal128(kind: .infinity, negative: false, coefficient: 0, exponent: 0)
    /// Negative infinity.
    public static let negativeInfinity = Decimal128(kind: .infinity, negative: true, coefficient: 0, exponent: 0)
    /// Zero (`0`, exponent 0).
    public static let zero = Decimal128(kind: .finite, negative: false, coefficient: 0, exponent: 0)

    /// A finite value given by its parts, exactly; nil when `coefficient >= 10^34` or `exponent` is
    /// outside `minExponent...maxExponent`.
    public init?(negative: Bool, coefficient: UInt128, exponent: Int) {
        guard coefficient < powersOfTen[Self.maxDigits],
            (Self.minExponent...Self.maxExponent).contains(exponent)
        else { return nil }
        self.init(kind: .finite, negative: negative, coefficient: coefficient, exponent: exponent)
    }

    /// The exact value of an integer (exponent 0).
    public init(_ value: Int64) {
        self.init(kind: .finite, negative: value < 0, coefficient: UInt128(value.magnitude), exponent: 0)
    }

    /// The exact value of an integer (exponent 0).
    public init(_ value: Int) {
        self.init(Int64(value))
    }

    /// The value of a double's shortest round-trip decimal text, so `0.1` becomes exactly 0.1
    /// (not 0.1000000000000000055…) and `123.0` becomes `123`. Infinities and NaN map to their
    /// decimal counterparts.
    ///
    /// Doubles that need 16 or 17 digits keep all of them (`0.1 + 0.2` gives 0.30000000000000004).
    /// Current realm-core instead rounds the exact binary value to 15 significant digits (MongoDB's
    /// rule), giving 0.300000000000000 there; the two agree whenever 15 digits round-trip the double.
    public init(_ value: Double) {
        if value.isNaN {
            self = .nan
            return
        }
        if value.isInfinite {
            self = value < 0 ? .negativeInfinity : .infinity
            return
        }
        var text = value.description
        // Swift marks integral doubles with ".0"; dropping it keeps `123.0` at exponent 0.
        if text.hasSuffix(".0") { text.removeLast(2) }
        // Double.description always yields text the parser accepts; NaN only guards the impossible.
        self = Decimal128(text) ?? .nan
    }

    // MARK: Classification

    /// Whether the value is NaN.
    public var isNaN: Bool { kind == .nan }
    /// Whether the value is positive or negative infinity.
    public var isInfinite: Bool { kind == .infinity }
    /// Whether the value is neither infinite nor NaN.
    public var isFinite: Bool { kind == .finite }
    /// Whether the value is a zero of either sign and any exponent.
    public var isZero: Bool { kind == .finite && coefficient == 0 }

    // MARK: Conversions

    /// The nearest double (ties to even); out-of-range magnitudes become infinity or zero.
    public var doubleValue: Double {
        switch kind {
        case .nan: return .nan
        case .infinity: return isSignMinus ? -.infinity : .infinity
        case .finite:
            // The stdlib's text-to-double conversion is correctly rounded, so it gives the nearest double.
            return Double("\(isSignMinus ? "-" : "")\(coefficient)e\(exponent)") ?? .nan
        }
    }

    /// The value as an `Int64` when it is an integer in `Int64.min...Int64.max`; nil otherwise
    /// (fractions, out-of-range integers, infinities, NaN).
    public var int64Value: Int64? {
        guard kind == .finite else { return nil }
        if coefficient == 0 { return 0 }
        var magnitude = coefficient
        if exponent >= 0 {
            // 10^19 already exceeds Int64's range, so larger exponents cannot fit.
            guard exponent <= 19 else { return nil }
            let (product, overflow) = magnitude.multipliedReportingOverflow(by: powersOfTen[exponent])
            guard !overflow else { return nil }
            magnitude = product
        } else {
            // A coefficient below 10^34 is never a multiple of 10^35 or more unless it is zero.
            guard -exponent <= Self.maxDigits else { return nil }
            let divisor = powersOfTen[-exponent]
            guard magnitude % divisor == 0 else { return nil }
            magnitude /= divisor
        }
        if isSignMinus {
            guard magnitude <= UInt128(Int64.min.magnitude) else { return nil }
            return magnitude == UInt128(Int64.min.magnitude) ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt128(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    // MARK: Comparison

    /// Numeric three-way comparison: -1, 0 or 1; nil when either side is NaN.
    /// Cohort members and zeros of either sign compare equal.
    public static func compare(_ a: Decimal128, _ b: Decimal128) -> Int? {
        if a.kind == .nan || b.kind == .nan { return nil }
        return orderedCompare(a, b)
    }

    /// Compares with a double converted as `init(_: Double)` does (shortest round-trip text);
    /// nil when either side is NaN.
    public static func compare(_ a: Decimal128, _ b: Double) -> Int? {
        compare(a, Decimal128(b))
    }

    /// Compares with an integer exactly; nil when `a` is NaN.
    public static func compare(_ a: Decimal128, _ b: Int64) -> Int? {
        compare(a, Decimal128(b))
    }

    /// A total order for sorting, matching realm-core's `Decimal128::compare`: NaN sorts before
    /// everything (and NaNs tie), then `-Infinity`, finite values numerically, `+Infinity`.
    /// Returns -1, 0 or 1.
    public static func compareTotal(_ a: Decimal128, _ b: Decimal128) -> Int {
        switch (a.kind == .nan, b.kind == .nan) {
        case (true, true): return 0
        case (true, false): return -1
        case (false, true): return 1
        case (false, false): return orderedCompare(a, b)
        }
    }

    /// -1 for `-Infinity`, 0 for finite values, 1 for `+Infinity`.
    private var infinityRank: Int {
        kind == .infinity ? (isSignMinus ? -1 : 1) : 0
    }

    /// Three-way comparison of two non-NaN values.
    private static func orderedCompare(_ a: Decimal128, _ b: Decimal128) -> Int {
        let (ra, rb) = (a.infinityRank, b.infinityRank)
        if ra != rb { return ra < rb ? -1 : 1 }
        if ra != 0 { return 0 }
        let sa = a.coefficient == 0 ? 0 : (a.isSignMinus ? -1 : 1)
        let sb = b.coefficient == 0 ? 0 : (b.isSignMinus ? -1 : 1)
        if sa != sb { return sa < sb ? -1 : 1 }
        if sa == 0 { return 0 }
        let magnitude = compareMagnitudes(a, b)
        return sa > 0 ? magnitude : -magnitude
    }

    /// Compares |a| and |b| for nonzero finite values without scaling by the exponent difference,
    /// which could be thousands of digits.
    private static func compareMagnitudes(_ a: Decimal128, _ b: Decimal128) -> Int {
        let (da, db) = (digitCount(a.coefficient), digitCount(b.coefficient))
        // The adjusted exponent places the leading digit; a higher one means a larger magnitude.
        let (adjustedA, adjustedB) = (a.exponent + da - 1, b.exponent + db - 1)
        if adjustedA != adjustedB { return adjustedA < adjustedB ? -1 : 1 }
        // Same leading position: widening both to 34 digits lines the digits up (10^34 fits in UInt128).
        let wideA = a.coefficient * powersOfTen[maxDigits - da]
        let wideB = b.coefficient * powersOfTen[maxDigits - db]
        return wideA == wideB ? 0 : (wideA < wideB ? -1 : 1)
    }

    // MARK: Parsing

    /// Parses the decimal text realm's query parser and MongoDB Extended JSON `$numberDecimal` accept:
    /// an optional sign, then digits with at most one `.` (at least one digit, e.g. `1.`, `.5`),
    /// then an optional exponent `e`/`E` with optional sign and at least one digit; or `Inf`,
    /// `Infinity`, `NaN` in any letter case, optionally signed. No whitespace is accepted.
    ///
    /// The result is the decimal128 nearest the exact value (ties to even), as IEEE 754 requires:
    /// more than 34 significant digits are rounded, exponents above the range are folded into the
    /// coefficient when it has room and give infinity otherwise, and exponents below the range
    /// round the coefficient down to subnormals or zero. Zeros keep their exponent, clamped to range.
    public init?(_ text: String) {
        guard let value = Decimal128.parse(Array(text.utf8)) else { return nil }
        self = value
    }

    private static func parse(_ bytes: [UInt8]) -> Decimal128? {
        var i = 0
        var negative = false
        if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        if let special = parseSpecial(bytes[i...], negative: negative) { return special }

        // Significant digits (leading zeros dropped) and how many mantissa digits follow the point.
        var digits: [UInt8] = []
        var sawDigit = false
        var sawPoint = false
        var fractionDigits = 0
        while i < bytes.count {
            let c = bytes[i]
            if c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") {
                sawDigit = true
                if sawPoint { fractionDigits += 1 }
                if !digits.isEmpty || c != UInt8(ascii: "0") { digits.append(c - UInt8(ascii: "0")) }
            } else if c == UInt8(ascii: "."), !sawPoint {
                sawPoint = true
            } else {
                break
            }
            i += 1
        }
        guard sawDigit else { return nil }

        var exponent = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            var exponentNegative = false
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                exponentNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            var sawExponentDigit = false
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
                sawExponentDigit = true
                // Saturate: any exponent this large already means infinity or zero, and stopping
                // here keeps `exponent - fractionDigits` far from Int overflow.
                if exponent < exponentSaturation {
                    exponent = exponent * 10 + Int(bytes[i] - UInt8(ascii: "0"))
                }
                i += 1
            }
            guard sawExponentDigit else { return nil }
            if exponentNegative { exponent = -exponent }
        }
        guard i == bytes.count else { return nil }
        return rounded(negative: negative, digits: digits, exponent: exponent - fractionDigits)
    }

    /// Exponents written in the text stop growing past this magnitude.
    private static let exponentSaturation = 1_000_000_000_000

    /// `inf`, `infinity` or `nan` in any letter case; nil for anything else.
    private static func parseSpecial(_ rest: ArraySlice<UInt8>, negative: Bool) -> Decimal128? {
        // Numbers are the common case; skip building a lowercase copy for them.
        guard let first = rest.first.map({ $0 | 0x20 }),
            first == UInt8(ascii: "i") || first == UInt8(ascii: "n")
        else { return nil }
        // ASCII lowercase; non-letters can never match the words below anyway.
        let word = String(decoding: rest.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
        switch word {
        case "inf", "infinity": return negative ? .negativeInfinity : .infinity
        case "nan": return .nan
        default: return nil
        }
    }

    /// The decimal128 nearest to `digits × 10^exponent` (digits without leading zeros), rounding once,
    /// ties to even.
    private static func rounded(negative: Bool, digits: [UInt8], exponent: Int) -> Decimal128 {
        let n = digits.count
        if n == 0 {
            let clamped = min(max(exponent, minExponent), maxExponent)
            return Decimal128(kind: .finite, negative: negative, coefficient: 0, exponent: clamped)
        }
        // Digits to drop: those beyond 34, or as many as needed to lift the exponent into range.
        // Dropping both at once rounds a single time, as IEEE requires (no double rounding).
        let drop = max(0, n - maxDigits, minExponent - exponent)
        let keep = max(0, n - drop)
        var coefficient: UInt128 = 0
        for d in digits[0..<keep] { coefficient = coefficient * 10 + UInt128(d) }
        var q = exponent + drop
        if drop > 0 {
            let roundDigit: UInt8
            let sticky: Bool
            if drop <= n {
                roundDigit = digits[n - drop]
                sticky = digits[(n - drop + 1)...].contains { $0 != 0 }
            } else {
                // The whole number lies below the first dropped position: less than half a unit.
                roundDigit = 0
                sticky = true
            }
            if roundDigit > 5 || (roundDigit == 5 && (sticky || coefficient % 2 == 1)) {
                coefficient += 1
                if coefficient == powersOfTen[maxDigits] {
                    coefficient = powersOfTen[maxDigits - 1]
                    q += 1
                }
            }
        }
        if q > maxExponent {
            if coefficient == 0 {
                q = maxExponent
            } else {
                // Fold the excess exponent into the coefficient while it stays within 34 digits.
                let shift = q - maxExponent
                guard shift < maxDigits, digitCount(coefficient) + shift <= maxDigits else {
                    return negative ? .negativeInfinity : .infinity
                }
                coefficient *= powersOfTen[shift]
                q = maxExponent
            }
        }
        return Decimal128(kind: .finite, negative: negative, coefficient: coefficient, exponent: q)
    }

    /// Decimal digits in `value` (1 for zero).
    private static func digitCount(_ value: UInt128) -> Int {
        var count = 1
        while count < powersOfTen.count, value >= powersOfTen[count] { count += 1 }
        return count
    }
}

/// 10^0 through 10^38, every power of ten that fits in UInt128.
private let powersOfTen: [UInt128] = {
    var table: [UInt128] = [1]
    for _ in 1...38 { table.append(table[table.count - 1] * 10) }
    return table
}()

extension Decimal128 {
    /// Numeric equality: `1 == 1.0`, `-0 == 0`, `Infinity == Infinity`; NaN equals nothing.
    public static func == (a: Decimal128, b: Decimal128) -> Bool {
        compare(a, b) == 0
    }

    /// Hashes the numeric value, so equal values hash alike whatever their exponent or zero sign.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind.rawValue)
        switch kind {
        case .nan:
            break
        case .infinity:
            hasher.combine(isSignMinus)
        case .finite:
            // Every zero is equal, so none of their fields may reach the hasher.
            guard coefficient != 0 else { return }
            // The cohort's member without trailing zeros stands for all of them.
            var c = coefficient
            var e = exponent
            while c % 10 == 0 {
                c /= 10
                e += 1
            }
            hasher.combine(isSignMinus)
            hasher.combine(c)
            hasher.combine(e)
        }
    }
}

extension Decimal128 {
    /// Numeric order; false when either side is NaN.
    public static func < (a: Decimal128, b: Decimal128) -> Bool {
        compare(a, b) == -1
    }

    /// Numeric order; false when either side is NaN (the default `!(b < a)` would say true).
    public static func <= (a: Decimal128, b: Decimal128) -> Bool {
        guard let result = compare(a, b) else { return false }
        return result <= 0
    }

    /// Numeric order; false when either side is NaN.
    public static func > (a: Decimal128, b: Decimal128) -> Bool {
        compare(a, b) == 1
    }

    /// Numeric order; false when either side is NaN.
    public static func >= (a: Decimal128, b: Decimal128) -> Bool {
        guard let result = compare(a, b) else { return false }
        return result >= 0
    }
}

extension Decimal128 {
    /// The canonical text of the BSON Decimal128 specification (what MongoDB Extended JSON writes
    /// in `$numberDecimal`), which keeps the exact coefficient and exponent so parsing it gives back
    /// the same encoding:
    /// - `NaN`, `Infinity`, `-Infinity`;
    /// - plain notation when the exponent is at most 0 and the adjusted exponent (exponent of the
    ///   leading digit) is at least -6: `123`, `123.0`, `-0.0000061`, `-0`;
    /// - otherwise scientific notation with one leading digit and a signed exponent:
    ///   `3E+3`, `1.5E+308`, `6.1E-10`, `0E+3`.
    public var description: String {
        switch kind {
        case .nan: return "NaN"
        case .infinity: return isSignMinus ? "-Infinity" : "Infinity"
        case .finite: break
        }
        let digits = Array(String(coefficient).utf8)
        let adjusted = exponent + digits.count - 1
        var text = isSignMinus ? "-" : ""
        if exponent <= 0 && adjusted >= -6 {
            let fraction = -exponent
            if fraction == 0 {
                text += String(decoding: digits, as: UTF8.self)
            } else if digits.count > fraction {
                text += String(decoding: digits[..<(digits.count - fraction)], as: UTF8.self)
                text += "."
                text += String(decoding: digits[(digits.count - fraction)...], as: UTF8.self)
            } else {
                text += "0." + String(repeating: "0", count: fraction - digits.count)
                text += String(decoding: digits, as: UTF8.self)
            }
        } else {
            text += String(decoding: digits[..<1], as: UTF8.self)
            if digits.count > 1 {
                text += "." + String(decoding: digits[1...], as: UTF8.self)
            }
            text += "E" + (adjusted >= 0 ? "+" : "-") + String(adjusted.magnitude)
        }
        return text
    }
}
