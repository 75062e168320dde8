import Foundation
import XCTest
@testable import LoreCore

/// Damage anywhere in an index folder is reported, never answered from: a byte flipped at each of
/// thousands of fixed random places across every file (the root, both segments, the latent
/// basis), each file cut short, and files swapped. Each damaged index either fails to open or to
/// answer with an error that a rebuild cures, or answers exactly as the undamaged index does
/// (when the byte is one that nothing reads, such as padding, or one these questions never touch).
final class DamageSweepTests: XCTestCase {
    private static let questions = ["walrus budget", "narwhal roadmap launch", "sourdough starter",
                                    "who approved the habitat", "kiln firing schedule"]

    /// Three notes, then two more added by a refresh: two segments (one passage count each
    /// differs), a latent basis, and a root that refers to all three files.
    private func smallIndex() throws -> TemporaryCorpus {
        let t = TemporaryCorpus()
        t.write("walrus.md", "# Walrus budget\n\nThe walrus team asked for more budget in March.\n\n## Approval\n\nMaria approved the extra budget for the walrus habitat.\n")
        t.write("narwhal.md", "# Narwhal roadmap\n\nThe narwhal roadmap moves the launch to autumn.\n")
        t.write("sourdough.md", "# Sourdough\n\nFeed the starter twice a day and bake on Sunday.\n")
        var config = IndexConfig()
        config.latent.exactRefitBelow = 0
        config.latent.refitAfterChange = 10
        let store = IndexStore(corpus: t.corpus, index: t.index)
        _ = try store.update(rebuild: true, overrides: { $0 = config })
        t.write("pottery.md", "# Pottery\n\nThe kiln firing schedule is on Thursday evenings.\n")
        t.write("habitat.md", "# Habitat\n\nThe habitat budget covers water and ice for the walrus.\n")
        _ = try store.update(rebuild: false)
        return t
    }

    /// What the questions get: each result's place, score, and passage.
    private struct Answer: Equatable {
        var results: [[String]]
    }

    private func answer(_ folder: String) throws -> Answer {
        let index = try IndexFile.read(from: folder)
        var options = QueryOptions()
        options.relatedWeight = 0
        let searcher = Searcher(index: index, options: options)
        var results: [[String]] = []
        for q in Self.questions {
            for r in try searcher.search(q, k: 5) {
                let p = r.passage
                results.append([q, "\(r.rank)", "\(r.score)", p.source, "\(p.firstLine)-\(p.lastLine)", p.title, p.text])
            }
        }
        return Answer(results: results)
    }

    /// Checks that the index in `folder`, as damaged, is refused or answers as `expected` does.
    /// Returns true when the damage was reported.
    private func check(_ folder: String, _ expected: Answer, _ what: @autoclosure () -> String) -> Bool {
        do {
            let got = try answer(folder)
            XCTAssertEqual(got, expected, "answered differently after \(what())")
            return false
        } catch let error as LoreError {
            XCTAssertTrue(error.isCuredByRebuild, "\(what()): \(error)")
            return true
        } catch {
            XCTFail("\(what()): not a LoreError: \(error)")
            return true
        }
    }

    private func files(_ t: TemporaryCorpus) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: t.index).filter { !$0.hasPrefix(".") }.sorted()
    }

    func testFlippedBytesAreReportedOrUnread() throws {
        let t = try smallIndex()
        let names = try files(t)
        XCTAssertEqual(names.filter { $0.hasSuffix(".los") }.count, 2, "\(names)")
        XCTAssertEqual(names.filter { $0.hasSuffix(".lob") }.count, 1, "\(names)")
        XCTAssertTrue(names.contains("lore.idx"))
        let expected = try answer(t.index)
        XCTAssertFalse(expected.results.isEmpty)

        var rng = SplitMix64(seed: 20261128)
        let sizes = try names.map { try Data(contentsOf: URL(fileURLWithPath: t.index + "/" + $0)).count }
        let total = sizes.reduce(0, +)
        var flipped = 0, reported = 0
        for (name, size) in zip(names, sizes) {
            let path = t.index + "/" + name
            let original = try Data(contentsOf: URL(fileURLWithPath: path))
            // Places in proportion to the file's size, at least 300 a file, 2,400 in all or more.
            let count = max(300, 2400 * size / total)
            let fd = open(path, O_RDWR)
            XCTAssertGreaterThanOrEqual(fd, 0)
            defer { close(fd) }
            for _ in 0..<count {
                let at = Int(rng.next() % UInt64(size))
                let mask = UInt8(truncatingIfNeeded: rng.next() % 255 + 1)
                var byte = original[at] ^ mask
                XCTAssertEqual(pwrite(fd, &byte, 1, off_t(at)), 1)
                if check(t.index, expected, "\(name) byte \(at) ^ \(mask)") { reported += 1 }
                byte = original[at]
                XCTAssertEqual(pwrite(fd, &byte, 1, off_t(at)), 1)
                flipped += 1
            }
        }
        XCTAssertGreaterThanOrEqual(flipped, 2000)
        // Most bytes are read by the open or by these questions; a few (padding, reserved fields,
        // postings of terms no question holds) are not.
        XCTAssertGreaterThan(reported, flipped / 2, "\(reported) of \(flipped) reported")
        XCTAssertEqual(try answer(t.index), expected)
    }

    func testTruncatedFilesAreReported() throws {
        let t = try smallIndex()
        let expected = try answer(t.index)
        for name in try files(t) {
            let path = t.index + "/" + name
            let original = try Data(contentsOf: URL(fileURLWithPath: path))
            for length in Set([0, 1, 8, 31, 32, 63, 64, original.count / 3, original.count / 2, original.count - 1]) {
                try original.prefix(length).write(to: URL(fileURLWithPath: path))
                XCTAssertTrue(check(t.index, expected, "\(name) cut to \(length) bytes"), "\(name) cut to \(length) bytes was read")
            }
            try original.write(to: URL(fileURLWithPath: path))
        }
        XCTAssertEqual(try answer(t.index), expected)
    }

    func testSwappedFilesAreReported() throws {
        let t = try smallIndex()
        let expected = try answer(t.index)
        let names = try files(t)
        for (i, a) in names.enumerated() {
            for b in names[(i + 1)...] {
                let pa = t.index + "/" + a, pb = t.index + "/" + b
                XCTAssertEqual(rename(pa, t.index + "/swap"), 0)
                XCTAssertEqual(rename(pb, pa), 0)
                XCTAssertEqual(rename(t.index + "/swap", pb), 0)
                XCTAssertTrue(check(t.index, expected, "\(a) and \(b) swapped"), "\(a) and \(b) swapped were read")
                XCTAssertEqual(rename(pa, t.index + "/swap"), 0)
                XCTAssertEqual(rename(pb, pa), 0)
                XCTAssertEqual(rename(t.index + "/swap", pb), 0)
            }
        }
        XCTAssertEqual(try answer(t.index), expected)
    }

    /// Found by scripts/fuzz.sh index: a section offset past Int.max (in a table whose checksum
    /// was made right) trapped in the conversion to Int; it is damage.
    func testHugeSectionOffsetIsDamageNotATrap() throws {
        let t = try smallIndex()
        let path = t.index + "/" + IndexFile.fileName
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        for value in [UInt64.max - 63, UInt64(1) << 63, UInt64(1) << 48] {
            for field in [8, 16] {  // the first entry's offset, then its length
                var data = original
                withUnsafeBytes(of: value.littleEndian) { data.replaceSubrange((32 + field)..<(32 + field + 8), with: $0) }
                let count = Int(data[16]) | Int(data[17]) << 8
                withUnsafeBytes(of: checksum64(data[32..<(32 + 32 * count)]).littleEndian) { data.replaceSubrange(24..<32, with: $0) }
                try data.write(to: URL(fileURLWithPath: path))
                XCTAssertThrowsError(try IndexFile.read(from: t.index), "\(value) at \(field)") { error in
                    guard case LoreError.indexDamaged(let file, _)? = error as? LoreError else { return XCTFail("\(error)") }
                    XCTAssertEqual(file, path)
                }
            }
        }
    }

    /// The indexes of format versions 3 and 5 kept in Tests/Fixtures are an older format, not damage.
    func testOlderFormatIsItsOwnError() throws {
        for version in [3, 5] {
            let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Fixtures/old-index-v\(version)/index").path
            XCTAssertThrowsError(try IndexFile.read(from: fixture)) { error in
                XCTAssertEqual(error as? LoreError, .indexFromOlderLore(file: fixture + "/lore.idx", version: UInt32(version)))
                XCTAssertEqual("\(error)", "index \(fixture)/lore.idx was built by an older Lore (format version \(version); this one reads version 10): run `lore index --rebuild`")
            }
        }
    }

    func testExitCodes() {
        XCTAssertEqual(LoreError.badOption("-k must be 1 to 10000").exitCode, 2)
        XCTAssertEqual(LoreError.indexDamaged(file: "x", problem: "y").exitCode, 2)
        XCTAssertEqual(LoreError.outputFailed(reason: "Broken pipe").exitCode, 2)
        XCTAssertEqual(LoreError.indexDamaged(file: "i/lore.idx", problem: "section TERM checksum").rebuildingDescription,
                       "index i/lore.idx is damaged (section TERM checksum): rebuilding it")
    }
}
