// libFuzzer target: cutting a note into passages, front matter included, on arbitrary bytes.
// Built and run by scripts/fuzz.sh splitter SECONDS.
import Foundation
@testable import LoreCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lineCount = NoteSplitter.lines(text).count
    for maxWords in [10, 220] {
        let split = NoteSplitter(maxWords: maxWords).passages(of: text, source: "note.md")
        for p in split.passages {
            precondition(p.firstLine >= 1 && p.firstLine <= p.lastLine && p.lastLine <= lineCount,
                         "passage lines \(p.firstLine)-\(p.lastLine) outside the note's \(lineCount) lines")
        }
    }
    return 0
}
