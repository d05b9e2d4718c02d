import Testing
import RQLSyntax
import RQLSemantics
@testable import RQLRuntime
import RQLTesting

/// Queries that differ only in their constants share one optimized, compiled shape; each binds
/// its own values. (Every random query of `DifferentialTests` also runs through a shape.)
@Suite struct QueryShapeTests {
    static let task = CompiledQueryTests.task
    static let documents = CompiledQueryTests.documents

    static func checked(_ text: String) -> CheckedQuery {
        let result = Checker.check(text, collection: task)
        precondition(result.query != nil, "\(text): \(result.diagnostics)")
        return result.query!
    }

    @Test func queriesOfOneShapeShareItAndKeepTheirOwnValues() {
        let cache = ShapeCache()
        let u1 = cache.compile(Self.checked(#"owner == "u1" AND priority >= 4"#))
        let u2 = cache.compile(Self.checked(#"owner == "u2" AND priority >= 1"#))
        let u1low = cache.compile(Self.checked(#"priority >= 2 AND owner == "u1""#))
        #expect(cache.count == 2, "the operand order is part of the shape, the values are not")
        #expect(Self.documents.map(u1.matches) == [false, false, true])
        #expect(Self.documents.map(u2.matches) == [false, true, false])
        #expect(Self.documents.map(u1low.matches) == [true, false, true])
    }

    @Test func eachParameterKindIsPartOfTheShape() {
        let (intShape, intValues) = QueryShape.of(Self.checked("priority >= 4"))
        let (doubleShape, doubleValues) = QueryShape.of(Self.checked("priority >= 4.5"))
        #expect(intShape != doubleShape)
        #expect(intValues == [.int(4)] && doubleValues == [.double(4.5)])
        // Null stays in the shape: the compiler chooses its instruction by it.
        let (nullShape, nullValues) = QueryShape.of(Self.checked("status == null"))
        #expect(nullValues.isEmpty)
        #expect(nullShape.query == Self.checked("status == null").withoutRanges)
        // A list is one parameter; its length and where its nulls are belong to the shape.
        func shape(_ text: String) -> QueryShape { QueryShape.of(Self.checked(text)).shape }
        #expect(shape(#"status IN {"open", "late"}"#) == shape(#"status IN {"done", "open"}"#))
        #expect(shape(#"status IN {"open", "late"}"#) != shape(#"status IN {"open", "late", "done"}"#))
        #expect(shape(#"status IN {"open", null}"#) != shape(#"status IN {"open", "late"}"#))
        let cache = ShapeCache()
        #expect(Self.documents.map(cache.compile(Self.checked(#"status IN {"open", "late"}"#)).matches) == [true, false, true])
        #expect(Self.documents.map(cache.compile(Self.checked(#"status IN {"late", "nope"}"#)).matches) == [false, false, true])
        #expect(Self.documents.map(cache.compile(Self.checked(#"priority IN {1, 5}"#)).matches) == [false, true, true])
        #expect(Self.documents.map(cache.compile(Self.checked(#"priority IN {3, 4}"#)).matches) == [true, false, false])
        #expect(cache.count == 2)
    }

    /// Merging bounds decides by their values; on parameters it must not, or the shape's program
    /// would keep the bound that was tighter for the first query only.
    @Test func boundsOnOneColumnAreNotMergedInAShape() {
        let cache = ShapeCache()
        let first = cache.compile(Self.checked("priority > 1 AND priority > 4"))
        let second = cache.compile(Self.checked("priority > 4 AND priority > 1"))
        #expect(cache.count == 1)
        #expect(Self.documents.map(first.matches) == [false, false, true])
        #expect(Self.documents.map(second.matches) == [false, false, true])
        #expect(Self.documents.map(cache.compile(Self.checked("priority > 0 AND priority > 2")).matches) == [true, false, true])
    }

    @Test func theCacheStaysBounded() {
        let cache = ShapeCache()
        for n in 0...ShapeCache.maxShapes {
            // Decimals stay in the shape, so each `dec == n` is a new one.
            _ = cache.compile(Checker.check("dec == \(n)", collection: RandomData.schema).query!)
        }
        #expect(cache.count >= 1 && cache.count <= ShapeCache.maxShapes)
        #expect(Self.documents.map(cache.compile(Self.checked("priority IN {1, 5}")).matches) == [false, true, true])
    }
}

extension CheckedQuery {
    /// The query with its source ranges cleared, as in a shape.
    var withoutRanges: CheckedQuery {
        CheckedQuery(collection: collection, predicate: predicate.mappingComparisons(\.withoutRanges))
    }
}
