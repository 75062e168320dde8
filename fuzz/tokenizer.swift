// libFuzzer target: the tokenizer, the analyzer (stop words, stemming) and the hashed embedder
// on arbitrary bytes. Built and run by scripts/fuzz.sh tokenizer SECONDS.
import Foundation
@testable import LoreCore

let analyzer = Analyzer()
let embedder = HashedEmbedder(config: IndexConfig())

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let tokens = Tokenizer().tokens(text)
    let utf8Count = text.utf8.count
    for t in tokens { precondition(t.range.lowerBound >= 0 && t.range.upperBound <= utf8Count, "token range outside the text") }
    _ = analyzer.analyzedTokens(text)
    _ = embedder.counts(title: String(text.prefix(40)), body: text)
    _ = Snippet().of(text, matching: Highlighter(question: String(text.prefix(20)), analyzer: analyzer))
    return 0
}
