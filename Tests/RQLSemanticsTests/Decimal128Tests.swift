import Testing

@testable import RQLSemantics

/// Parses text that the test expects to be valid; a failure is recorded and NaN stands in.
private func d(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Decimal128 {
    guard let value = Decimal128(text) else {
        Issue.record("\(text) did not parse", sourceLocation: sourceLocation)
        return .nan
    }
    return value
}

/// The parsed parts of a finite value: sign, coefficient, exponent.
private func parts(_ text: String) -> (Bool, UInt128, Int)? {
    guard let value = Decimal128(text), value.isFinite else { return nil }
    return (value.isSignMinus, value.coefficient, value.exponent)
}

@Suite("Decimal128")
struct Decimal128Tests {
    // MARK: Parsing

    @Test("realm test literals parse to exact coefficient and exponent")
    func realmExamples() {
        let cases: [(String, Bool, UInt128, Int)] = [
            ("3.141592653589793238", false, 3_141_592_653_589_793_238, -18),
            ("-6.1E-6", true, 61, -7),
            ("+3E+3", false, 3, 3),
            ("123", false, 123, 0),
            ("123.0", false, 1230, -1),
            ("1.5e308", false, 15, 307),
            ("-0", true, 0, 0),
            ("9223372036854775807", false, 9_223_372_036_854_775_807, 0),
            ("-9223372036854775808", true, 9_223_372_036_854_775_808, 0),
            ("4294967296", false, 4_294_967_296, 0),
        ]
        for (text, negative, coefficient, exponent) in cases {
            let p = parts(text)
            #expect(p?.0 == negative, "\(text)")
            #expect(p?.1 == coefficient, "\(text)")
            #expect(p?.2 == exponent, "\(text)")
        }
    }

    @Test("partial mantissas, exponent forms and leading zeros")
    func mantissaForms() {
        #expect(d("1.") == d("1"))
        #expect(parts(".5")?.1 == 5 && parts(".5")?.2 == -1)
        #expect(parts("0.00")?.1 == 0 && parts("0.00")?.2 == -2)
        #expect(parts("000123.4500")?.1 == 1_234_500 && parts("000123.4500")?.2 == -4)
        #expect(parts("1E5")?.2 == 5)
        #expect(parts("1e-0005")?.2 == -5)
        #expect(d("0.000001") == d("1e-6"))
    }

    @Test("special values in any letter case, optionally signed")
    func specials() {
        for text in ["Inf", "inf", "INF", "Infinity", "infinity", "+Infinity", "iNfInItY"] {
            #expect(Decimal128(text) == .infinity, "\(text)")
        }
        for text in ["-Inf", "-infinity", "-INFINITY"] {
            #expect(Decimal128(text) == .negativeInfinity, "\(text)")
        }
        for text in ["NaN", "nan", "NAN", "-NaN", "+nan"] {
            #expect(Decimal128(text)?.isNaN == true, "\(text)")
        }
    }

    @Test("malformed text is rejected")
    func malformed() {
        let bad = [
            "", "1e", "1e+", "e5", ".", "-.", "+", "-", "--1", "+-1", "1..0", "1.0.0", " 1", "1 ", "\t1",
            "1,0", "0x10", "1e5.0", "Infinit", "Infinityy", "nan1", "snan", "1_000", "١", "+ 1",
        ]
        for text in bad {
            #expect(Decimal128(text) == nil, "\(text.debugDescription) should not parse")
        }
    }

    @Test("more than 34 significant digits round half to even")
    func roundingLongCoefficients() {
        // 35 digits, last digit 5 with nothing after: tie, the kept last digit 4 is even -> stays.
        let tieEven = parts("1234567890123456789012345678901234.5")
        #expect(tieEven?.1 == 1_234_567_890_123_456_789_012_345_678_901_234)
        #expect(tieEven?.2 == 0)
        // Tie with an odd kept digit rounds up to even.
        #expect(parts("1234567890123456789012345678901233.5")?.1 == 1_234_567_890_123_456_789_012_345_678_901_234)
        // A nonzero digit beyond the tie breaks it upwards.
        #expect(parts("1234567890123456789012345678901234.50001")?.1 == 1_234_567_890_123_456_789_012_345_678_901_235)
        // Below half rounds down; the exponent grows by the dropped digit count.
        let down = parts("12345678901234567890123456789012344999")
        #expect(down?.1 == 1_234_567_890_123_456_789_012_345_678_901_234)
        #expect(down?.2 == 4)
        // A carry out of 34 nines becomes 10^33 at the next exponent.
        let carry = parts(String(repeating: "9", count: 35))
        #expect(carry?.1 == 1_000_000_000_000_000_000_000_000_000_000_000)
        #expect(carry?.2 == 2)
        #expect(d(String(repeating: "9", count: 35)) == d("1e35"))
    }

    @Test("exponent overflow gives infinity or folds into the coefficient")
    func overflow() {
        #expect(Decimal128("1e6144") == d("1000000000000000000000000000000000e6111"))
        #expect(parts("1e6144")?.1 == 1_000_000_000_000_000_000_000_000_000_000_000 && parts("1e6144")?.2 == 6111)
        #expect(parts("12e6112")?.1 == 120 && parts("12e6112")?.2 == 6111)
        #expect(Decimal128("1e6145") == .infinity)
        #expect(Decimal128("-1e6145") == .negativeInfinity)
        #expect(Decimal128("9999999999999999999999999999999999e6111")?.isFinite == true)
        #expect(Decimal128("99999999999999999999999999999999995e6110") == .infinity)
        #expect(Decimal128("1e99999999999999999999999999") == .infinity)
        // Zeros never overflow; their exponent is clamped.
        #expect(parts("0e99999")?.2 == Decimal128.maxExponent)
        #expect(parts("-0e-99999")?.2 == Decimal128.minExponent)
    }

    @Test("exponent underflow rounds to subnormals or zero")
    func underflow() {
        #expect(parts("1e-6176")?.1 == 1 && parts("1e-6176")?.2 == -6176)
        #expect(parts("1e-6177")?.1 == 0)
        #expect(parts("5e-6177")?.1 == 0)  // tie to even: 0
        #expect(parts("15e-6177")?.1 == 2)  // tie to even: 2
        #expect(parts("6e-6177")?.1 == 1)
        #expect(parts("1e-99999999999999999999")?.1 == 0)
        #expect(d("1e-7000") == d("0"))
        #expect(d("-1e-7000").isSignMinus)
    }

    // MARK: Equality, ordering, hashing

    @Test("equality is numeric across scales and zero signs")
    func equalityAcrossScales() {
        #expect(d("1.0") == d("1.00"))
        #expect(d("1.00") == d("1"))
        #expect(d("1") == Decimal128(1))
        #expect(d("100") == d("1E+2"))
        #expect(d("-0") == d("0"))
        #expect(d("0E+300") == d("-0.000"))
        #expect(d("1.01") != d("1.1"))
        #expect(d("9223372036854775807") != d("9223372036854775806"))
        #expect(Decimal128(Int64.max) == d("9223372036854775807"))
        #expect(Decimal128(Int64.max) != Decimal128(Int64.max - 1))
        #expect(Decimal128(Int64.min) == d("-9223372036854775808"))
    }

    @Test("ordering is exact across very different exponents")
    func orderingAcrossExponents() {
        // Each entry is strictly below the next; the 34-digit entries differ only in their last digit.
        let ascending = [
            "-Infinity", "-1e6000", "-1.5", "-1." + String(repeating: "4", count: 33), "-1e-6176", "0",
            "1e-6176", "0.0000001", "1", "1." + String(repeating: "0", count: 32) + "1", "1.1", "99", "1e2",
            "100." + String(repeating: "0", count: 30) + "1", String(repeating: "9", count: 34), "1e34",
            "1e6000", String(repeating: "9", count: 34) + "e6111", "Infinity",
        ]
        let values = ascending.map { d($0) }
        for i in values.indices {
            for j in values.indices {
                let (a, b) = (values[i], values[j])
                let expected = i < j ? -1 : (i == j ? 0 : 1)
                #expect(Decimal128.compare(a, b) == expected, "\(ascending[i]) vs \(ascending[j])")
                #expect((a < b) == (i < j), "\(ascending[i]) < \(ascending[j])")
                #expect((a == b) == (i == j), "\(ascending[i]) == \(ascending[j])")
                #expect((a >= b) == (i >= j), "\(ascending[i]) >= \(ascending[j])")
            }
        }
        #expect(d("99") < d("1e2"))
        #expect(d("1e100") > d("99999999999999999999999999999999e60"))
        #expect(d("-1e100") < d("-99999999999999999999999999999999e60"))
        #expect(d("-0") <= d("0") && d("0") >= d("-0") && !(d("-0") < d("0")))
        #expect([d("3"), d("-2"), d("1e-3"), d("10")].sorted() == [d("-2"), d("1e-3"), d("3"), d("10")])
    }

    @Test("infinities compare beyond every finite value")
    func infinities() {
        #expect(Decimal128.infinity == d("Infinity"))
        #expect(Decimal128.negativeInfinity < d("-9999999999999999999999999999999999e6111"))
        #expect(Decimal128.infinity > d("9999999999999999999999999999999999e6111"))
        #expect(Decimal128.negativeInfinity < Decimal128.infinity)
        #expect(Decimal128.infinity != Decimal128.negativeInfinity)
        #expect(Decimal128.infinity.isInfinite && !Decimal128.infinity.isFinite)
        #expect(Decimal128.infinity.int64Value == nil)
        #expect(Decimal128.infinity.doubleValue == .infinity)
        #expect(Decimal128.negativeInfinity.doubleValue == -.infinity)
        #expect(Decimal128.compare(.infinity, Double.infinity) == 0)
    }

    @Test("NaN is unequal and unordered, like Double.nan")
    func nanBehaviour() {
        let nan = d("NaN")
        let one = d("1")
        #expect(nan.isNaN)
        #expect(!(nan == nan))
        #expect(nan != nan)
        #expect(!(nan < one) && !(one < nan))
        #expect(!(nan <= one) && !(nan >= one) && !(nan > one))
        #expect(!(nan <= nan) && !(nan >= nan))
        #expect(Decimal128.compare(nan, one) == nil)
        #expect(Decimal128.compare(one, nan) == nil)
        #expect(Decimal128.compare(one, Double.nan) == nil)
        #expect(Decimal128.compare(nan, Int64(1)) == nil)
        #expect(nan.doubleValue.isNaN)
        #expect(nan.int64Value == nil)
        #expect(Decimal128(Double.nan).isNaN)
    }

    @Test("compareTotal sorts NaN first, then numerically")
    func totalOrder() {
        let nan = Decimal128.nan
        #expect(Decimal128.compareTotal(nan, nan) == 0)
        #expect(Decimal128.compareTotal(nan, .negativeInfinity) == -1)
        #expect(Decimal128.compareTotal(.negativeInfinity, nan) == 1)
        #expect(Decimal128.compareTotal(d("1.0"), d("1")) == 0)
        #expect(Decimal128.compareTotal(d("2"), d("10")) == -1)
        let sorted = [d("1"), nan, .infinity, d("-5")].sorted { Decimal128.compareTotal($0, $1) < 0 }
        #expect(sorted[0].isNaN)
        #expect(Array(sorted[1...]) == [d("-5"), d("1"), .infinity])
    }

    @Test("equal values hash equal")
    func hashing() {
        let set: Set<Decimal128> = [d("1"), d("1.0"), d("1.000"), d("100e-2"), Decimal128(1), Decimal128(1.0)]
        #expect(set.count == 1)
        let zeros: Set<Decimal128> = [d("0"), d("-0"), d("0e10"), d("-0.000"), Decimal128(-0.0)]
        #expect(zeros.count == 1)
        let distinct: Set<Decimal128> = [d("1"), d("1.1"), d("10"), d("-1"), .infinity, .negativeInfinity]
        #expect(distinct.count == 6)
        #expect(d("1E+2").hashValue == d("100.00").hashValue)
        #expect(Decimal128.infinity.hashValue == d("inf").hashValue)
        var dictionary: [Decimal128: String] = [d("2.50"): "two and a half"]
        dictionary[d("2.5")] = "replaced"
        #expect(dictionary.count == 1)
        #expect(dictionary[d("25e-1")] == "replaced")
    }

    // MARK: Conversions

    @Test("Int64 conversion is exact, including the extremes")
    func int64Conversion() {
        for value: Int64 in [0, 1, -1, 42, Int64.max, Int64.min, Int64.max - 1, Int64.min + 1, 4_294_967_296] {
            let decimal = Decimal128(value)
            #expect(decimal.int64Value == value)
            #expect(decimal == d(String(value)))
            #expect(Decimal128.compare(decimal, value) == 0)
        }
        #expect(Decimal128(Int64.max).coefficient == 9_223_372_036_854_775_807)
        #expect(Decimal128.compare(d("9223372036854775807"), Int64(9_223_372_036_854_775_806)) == 1)
        #expect(Decimal128.compare(d("-9223372036854775808"), Int64.min + 1) == -1)
        #expect(Decimal128.compare(d("0.5"), Int64(1)) == -1)
    }

    @Test("int64Value requires an integral value in range")
    func int64Value() {
        #expect(d("123.000").int64Value == 123)
        #expect(d("1.23e2").int64Value == 123)
        #expect(d("12e17").int64Value == 1_200_000_000_000_000_000)
        #expect(d("-0").int64Value == 0)
        #expect(d("0e-6000").int64Value == 0)
        #expect(d("1.5").int64Value == nil)
        #expect(d("1e-40").int64Value == nil)
        #expect(d("9223372036854775808").int64Value == nil)
        #expect(d("-9223372036854775809").int64Value == nil)
        #expect(d("1e19").int64Value == nil)
        #expect(d("1e6000").int64Value == nil)
        #expect(d("922337203685477580.7e1").int64Value == Int64.max)
    }

    @Test("doubles convert through their shortest round-trip text")
    func fromDouble() {
        #expect(Decimal128(0.1) == d("0.1"))
        #expect(parts(Decimal128(0.1).description)?.1 == 1)
        #expect(Decimal128(123.0).description == "123")
        #expect(Decimal128(123.0) == d("123"))
        #expect(Decimal128(1.5e308) == d("1.5e308"))
        #expect(Decimal128(-6.1e-6) == d("-6.1E-6"))
        #expect(Decimal128(0.1 + 0.2) == d("0.30000000000000004"))
        #expect(Decimal128(Double.leastNonzeroMagnitude) == d("5e-324"))
        #expect(Decimal128(-0.0).isZero && Decimal128(-0.0).isSignMinus)
        #expect(Decimal128(Double.infinity) == .infinity)
        #expect(Decimal128(-Double.infinity) == .negativeInfinity)
        #expect(Decimal128.compare(d("0.1"), 0.1) == 0)
        #expect(Decimal128.compare(d("0.10000000000000001"), 0.1) == 1)
        #expect(Decimal128.compare(d("-1e400"), -Double.greatestFiniteMagnitude) == -1)
    }

    @Test("doubleValue is the nearest double")
    func toDouble() {
        #expect(d("0.1").doubleValue == 0.1)
        #expect(d("3.141592653589793238").doubleValue == Double.pi)
        #expect(d("-6.1E-6").doubleValue == -6.1e-6)
        #expect(d("1.5e308").doubleValue == 1.5e308)
        #expect(d("9223372036854775807").doubleValue == 9_223_372_036_854_775_808.0)
        #expect(d("1e309").doubleValue == .infinity)
        #expect(d("1e-400").doubleValue == 0)
        #expect(d("-0").doubleValue.sign == .minus)
        for value in [0.1, 1.0 / 3, 2.5e-300, 123_456.789, -9.87e200] {
            #expect(Decimal128(value).doubleValue == value)
        }
    }

    // MARK: Text

    @Test("description follows the BSON canonical form")
    func descriptionForm() {
        let cases: [(String, String)] = [
            ("123", "123"),
            ("123.0", "123.0"),
            ("-6.1E-6", "-0.0000061"),
            ("6.1E-10", "6.1E-10"),
            ("+3E+3", "3E+3"),
            ("1.5e308", "1.5E+308"),
            ("-0", "-0"),
            ("0.00", "0.00"),
            ("0e3", "0E+3"),
            ("0e-8", "0E-8"),
            ("0.001234", "0.001234"),
            ("1234.5678", "1234.5678"),
            ("1e-7", "1E-7"),
            ("12345e-3", "12.345"),
            ("Infinity", "Infinity"),
            ("-inf", "-Infinity"),
            ("nan", "NaN"),
        ]
        for (input, expected) in cases {
            #expect(Decimal128(input)?.description == expected, "\(input)")
        }
        #expect(Decimal128(Int64.min).description == "-9223372036854775808")
    }

    @Test("description round-trips the exact encoding")
    func losslessRoundTrip() {
        let samples = [
            "0", "-0", "0.000", "0e6111", "0e-6176", "1", "-1.10", "3.141592653589793238", "-6.1E-6", "1e-6176",
            "9999999999999999999999999999999999e6111", "1234567890123456789012345678901234e-6176", "123456789e-20",
            "1.5e308", "12e5", "Infinity", "-Infinity",
        ]
        for text in samples {
            let value = d(text)
            let again = Decimal128(value.description)
            #expect(again == value, "\(text)")
            #expect(again?.coefficient == value.coefficient && again?.exponent == value.exponent, "\(text)")
            #expect(again?.isSignMinus == value.isSignMinus, "\(text)")
        }
        #expect(Decimal128(Decimal128.nan.description)?.isNaN == true)
    }

    @Test("parts initializer checks the ranges")
    func partsInitializer() {
        #expect(Decimal128(negative: true, coefficient: 61, exponent: -7) == d("-6.1E-6"))
        let tenTo34: UInt128 = 10_000_000_000_000_000_000_000_000_000_000_000
        #expect(Decimal128(negative: false, coefficient: tenTo34, exponent: 0) == nil)
        #expect(Decimal128(negative: false, coefficient: tenTo34 - 1, exponent: 6111) != nil)
        #expect(Decimal128(negative: false, coefficient: 1, exponent: 6112) == nil)
        #expect(Decimal128(negative: false, coefficient: 1, exponent: -6177) == nil)
    }
}
