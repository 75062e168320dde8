import CStemmer

/// Snowball's English stemmer (libstemmer), with a cache of words already seen.
///
/// A stemmer instance is not thread-safe: give each thread its own.
public final class Stemmer {
    private let handle: OpaquePointer
    private var cache: [String: String] = [:]

    public init() {
        guard let handle = sb_stemmer_new("english", "UTF_8") else {
            fatalError("libstemmer has no English stemmer")
        }
        self.handle = handle
    }

    deinit { sb_stemmer_delete(handle) }

    /// Calls `body` with the stem of the lower-cased word `bytes` (UTF-8), valid during the
    /// call; nothing is cached (for words tried once, such as the spellings a typo may stand for).
    public func withStem<R>(of bytes: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var bytes = bytes
        return bytes.withUnsafeMutableBufferPointer { buffer in
            guard let out = sb_stemmer_stem(handle, buffer.baseAddress, Int32(buffer.count)) else {
                return body(UnsafeBufferPointer(buffer))
            }
            return body(UnsafeBufferPointer(start: out, count: Int(sb_stemmer_length(handle))))
        }
    }

    /// The stem of a lower-cased word.
    public func stem(_ word: String) -> String {
        if let hit = cache[word] { return hit }
        var bytes = Array(word.utf8)
        let stemmed: String = bytes.withUnsafeMutableBufferPointer { buffer in
            guard let out = sb_stemmer_stem(handle, buffer.baseAddress, Int32(buffer.count)) else { return word }
            let length = Int(sb_stemmer_length(handle))
            return String(decoding: UnsafeBufferPointer(start: out, count: length), as: UTF8.self)
        }
        if cache.count > 500_000 { cache.removeAll(keepingCapacity: true) }
        cache[word] = stemmed
        return stemmed
    }
}
