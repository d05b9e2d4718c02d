/// A string compared and hashed by its UTF-8 bytes, for names and ids used as identities.
///
/// Swift's `String` equality and hashing follow canonical equivalence, so `"\u{E9}"` (é) and
/// `"e\u{301}"` (e + combining acute) are one `String` and one dictionary key. Realm, MongoDB and
/// the query engine compare bytes: they are two field names and two `_id`s. Every dictionary or
/// set of names, keys or ids that decides "the same one" uses this type (or `Value`, whose
/// strings compare the same way).
package struct UTF8Key: Hashable, Sendable, CustomStringConvertible {
    package let string: String

    package init(_ string: String) { self.string = string }

    package static func == (a: UTF8Key, b: UTF8Key) -> Bool { sameBytes(a.string, b.string) }

    package func hash(into hasher: inout Hasher) { Self.hashBytes(string, into: &hasher) }

    package var description: String { string }

    /// True when `a` and `b` have the same UTF-8 bytes.
    package static func sameBytes(_ a: String, _ b: String) -> Bool {
        let (x, y) = (a.utf8, b.utf8)
        guard x.count == y.count else { return false }
        if let equal = x.withContiguousStorageIfAvailable({ xb in y.withContiguousStorageIfAvailable { yb in xb.elementsEqual(yb) } }),
           let equal {
            return equal
        }
        return x.elementsEqual(y)
    }

    /// Feeds the UTF-8 bytes of `s` to `hasher` (with the length, so concatenations differ).
    package static func hashBytes(_ s: String, into hasher: inout Hasher) {
        let bytes = s.utf8
        hasher.combine(bytes.count)
        if bytes.withContiguousStorageIfAvailable({ hasher.combine(bytes: UnsafeRawBufferPointer($0)) }) == nil {
            for b in bytes { hasher.combine(b) }
        }
    }
}
