/// A term's count in a passage over the passage's two fields, packed in one number: its
/// context (its heading path: a document's title in a test collection) and its body (its text
/// and its note's tags). Packed = body + 2048 × context, both signed (a hashed dimension's
/// sign), the body within ±1023 and the context within ±15, so that it fits the Int16 a
/// posting stores. BM25F (`LexicalModel`) normalizes each field by its own length and weighs
/// the context `titleBoost` times the body.
enum FieldCount {
    /// What one count of context adds to the packed number.
    static let contextUnit: Float = 2048
    static let bodyLimit: Float = 1023
    static let contextLimit: Float = 15

    /// The packed count of `body` and `context` counts, each clamped to its range.
    @inline(__always) static func pack(body: Float, context: Float) -> Float {
        min(max(body, -bodyLimit), bodyLimit) + contextUnit * min(max(context, -contextLimit), contextLimit)
    }

    /// The body and context counts of a packed count.
    @inline(__always) static func split(_ packed: Int32) -> (body: Float, context: Float) {
        let context = (packed + 1024) >> 11
        return (Float(packed - context << 11), Float(context))
    }

    @inline(__always) static func split(_ packed: Float) -> (body: Float, context: Float) {
        split(Int32(packed.rounded()))
    }
}
