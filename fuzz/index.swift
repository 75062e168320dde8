// libFuzzer target: opening an index folder one of whose files is fuzzed bytes, and answering
// from it. Built and run by scripts/fuzz.sh index SECONDS.
//
// A small valid index is built once into a temporary folder. Each input's first byte picks the
// file it replaces (bits 0-1: the root lore.idx, the segment, the latent basis) and whether its
// checksums are made right again (bit 2: the section checksums and the table checksum are
// recomputed, and for a segment or basis the root's record of it too), so that the fuzzer gets
// past the checksums to the parsers behind them. The rest is the file's new content. Any error
// is fine; a crash, a hang or a leak is a finding.
import Foundation
@testable import LoreCore

let folder = NSTemporaryDirectory() + "lore-fuzz-index-\(getpid())"
let work = folder + "/index"
let notes = folder + "/notes"
let questions = ["walrus budget", "narwhal launch", "starter"]

/// The valid index's files, by name, built on first use.
let original: [String: Data] = {
    try? FileManager.default.createDirectory(atPath: notes, withIntermediateDirectories: true)
    let texts = ["walrus.md": "# Walrus budget\n\nThe walrus team asked for more budget.\n\n## Approval\n\nMaria approved it.\n",
                 "narwhal.md": "# Narwhal roadmap\n\nThe narwhal launch moves to autumn.\n",
                 "sourdough.md": "# Sourdough\n\nFeed the starter twice a day.\n"]
    for (name, text) in texts { try! text.write(toFile: notes + "/" + name, atomically: false, encoding: .utf8) }
    _ = try! IndexStore(corpus: notes, index: work).update(rebuild: true)
    var files: [String: Data] = [:]
    for name in try! FileManager.default.contentsOfDirectory(atPath: work) where !name.hasPrefix(".") {
        files[name] = try! Data(contentsOf: URL(fileURLWithPath: work + "/" + name))
    }
    return files
}()

func name(_ selector: UInt8) -> String {
    let names = original.keys.sorted()  // lore.idx, lsa-2.lob, seg-1.los
    let wanted = ["lore.idx", "seg-", "lsa-"][Int(selector & 3) % 3]
    return names.first { $0.hasPrefix(wanted) } ?? "lore.idx"
}

func u64(_ d: Data, _ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(d[d.startIndex + at + $1]) << (8 * UInt64($1)) } }
func put(_ v: UInt64, _ d: inout Data, _ at: Int) { for i in 0..<8 { d[d.startIndex + at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) } }

/// Recomputes the section checksums and the table checksum of a container file, as far as its
/// table makes sense; returns the (old, new) table checksums.
func fixChecksums(_ d: inout Data) -> (UInt64, UInt64)? {
    guard d.count >= 32 else { return nil }
    let count = Int(d[d.startIndex + 16]) | Int(d[d.startIndex + 17]) << 8
    guard count < 1024, 32 + 32 * count <= d.count else { return nil }
    for k in 0..<count {
        let entry = 32 + 32 * k
        let offset = Int(truncatingIfNeeded: u64(d, entry + 8)), length = Int(truncatingIfNeeded: u64(d, entry + 16))
        guard offset >= 0, length >= 0, offset <= d.count, length <= d.count - offset else { continue }
        put(checksum64(d[(d.startIndex + offset)..<(d.startIndex + offset + length)]), &d, entry + 24)
    }
    let old = u64(d, 24)
    let new = checksum64(d[(d.startIndex + 32)..<(d.startIndex + 32 + 32 * count)])
    put(new, &d, 24)
    return (old, new)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    var files = original
    let target = name(data[0])
    var bytes = Data(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if data[0] & 4 != 0, let (old, new) = fixChecksums(&bytes), target != "lore.idx", var root = files["lore.idx"] {
        // The root records the file's table checksum: record the new one.
        var oldBytes = Data(count: 8), newBytes = Data(count: 8)
        put(old, &oldBytes, 0)
        put(new, &newBytes, 0)
        if let r = root.range(of: oldBytes) { root.replaceSubrange(r, with: newBytes) }
        _ = fixChecksums(&root)
        files["lore.idx"] = root
    }
    files[target] = bytes
    for (name, content) in files { try! content.write(to: URL(fileURLWithPath: work + "/" + name)) }
    do {
        let index = try IndexFile.read(from: work)
        var options = QueryOptions()
        options.relatedWeight = 0
        let searcher = Searcher(index: index, options: options)
        for q in questions { _ = try searcher.search(q, k: 3) }
        _ = try index.allPassages()
    } catch is LoreError {
    } catch {
        preconditionFailure("not a LoreError: \(error)")
    }
    return 0
}
