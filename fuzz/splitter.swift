// libFuzzer target: reading a note's bytes (UTF-8, UTF-16 by its mark, else Windows-1252) and
// cutting the note into passages, front matter included, on arbitrary bytes.
// Built and run by scripts/fuzz.sh splitter SECONDS.
import Foundation
@testable import LoreCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    guard let text = try? TextDecoding.decode(bytes).text else {
        precondition(bytes.prefix(8192).contains(0) || bytes.prefix(2) == Data([0xFF, 0xFE]) || bytes.prefix(2) == Data([0xFE, 0xFF]),
                     "text refused without a NUL or a UTF-16 mark")
        return 0
    }
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
