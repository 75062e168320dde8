import Foundation
import XCTest
@testable import LoreCore

/// A temporary corpus folder with notes written by the test.
final class TemporaryCorpus {
    let root: String
    var corpus: String { root + "/notes" }
    var index: String { root + "/index" }

    init() {
        root = NSTemporaryDirectory() + "lore-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: root + "/notes", withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func write(_ path: String, _ text: String) {
        let full = corpus + "/" + path
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! text.write(toFile: full, atomically: false, encoding: .utf8)
    }

    func remove(_ path: String) { try! FileManager.default.removeItem(atPath: corpus + "/" + path) }
}

final class IndexFileTests: XCTestCase {
    private func sampleIndex(latent: Int = 0) throws -> (TemporaryCorpus, CorpusIndex) {
        let t = TemporaryCorpus()
        t.write("a.md", "# Costs\n\n## Result\nCosts fell by 60% and saved $15K monthly.\n")
        t.write("b/c.md", "# Team\n\nMentoring the offshore team of five people.\n\nCode review gates.\n")
        t.write("d.txt", "Vector database selection and scaling for retrieval by the team, to cut costs.\n")
        var config = IndexConfig()
        config.latent.dimensions = latent
        let (index, _) = try IndexBuilder(corpus: t.corpus, config: config).build(previous: nil)
        return (t, index)
    }

    func testRoundTripKeepsEverything() throws {
        let (t, index) = try sampleIndex(latent: 2)
        try IndexFile.write(index, to: t.index)
        let read = try IndexFile.read(from: t.index)
        XCTAssertEqual(read.config, index.config)
        XCTAssertEqual(read.files, index.files)
        XCTAssertEqual(try read.allPassages(), try index.allPassages())
        XCTAssertEqual(read.lexical.idf, index.lexical.idf)
        XCTAssertEqual(read.lexical.lengthNorms.array, index.lexical.lengthNorms.array)
        XCTAssertEqual(read.segments.map { $0.vectors.array }, index.segments.map { $0.vectors.array })
        XCTAssertEqual(read.latent?.basisArray, index.latent?.basisArray)
        XCTAssertEqual(try index.allPassages().map(\.source), ["a.md", "b/c.md", "d.txt"])
        try read.checkAll()
    }

    /// A commit that fails before its root is in place removes the files it wrote: the folder
    /// holds the last commit and nothing else.
    func testAFailedCommitLeavesOnlyTheLastOne() throws {
        let (t, index) = try sampleIndex(latent: 2)
        try IndexFile.write(index, to: t.index)
        let before = try FileManager.default.contentsOfDirectory(atPath: t.index).sorted()
        t.write("e.md", "# Walrus\n\nThe walrus budget grew.\n")
        let (refreshed, _) = try IndexBuilder(corpus: t.corpus, config: index.config).build(previous: try IndexFile.read(from: t.index))
        // The root's temporary file cannot be made: a folder stands where it would go.
        let blocker = t.index + "/" + IndexFile.fileName + ".\(getpid()).lore-tmp"
        try FileManager.default.createDirectory(atPath: blocker, withIntermediateDirectories: false)
        XCTAssertThrowsError(try IndexFile.write(refreshed, to: t.index)) { error in
            guard case LoreError.writeFailed = error else { return XCTFail("\(error)") }
        }
        try FileManager.default.removeItem(atPath: blocker)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: t.index).sorted(), before)
        XCTAssertEqual(try IndexFile.read(from: t.index).files.count, 3)
    }

    private func damage(_ mutate: (inout Data) -> Void) throws -> String {
        let (t, index) = try sampleIndex(latent: 2)
        try IndexFile.write(index, to: t.index)
        let path = t.index + "/" + IndexFile.fileName
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        mutate(&data)
        try data.write(to: URL(fileURLWithPath: path))
        do {
            try IndexFile.read(from: t.index).checkAll()
            XCTFail("damaged index was read")
            return ""
        } catch {
            let message = "\(error)"
            XCTAssertTrue(message.contains(path), message)
            XCTAssertTrue(message.contains("lore index --rebuild"), message)
            return message
        }
    }

    func testTruncatedFileIsReported() throws {
        let m = try damage { $0 = $0.prefix($0.count / 2) }
        XCTAssertTrue(m.contains("damaged"), m)
    }

    func testFlippedByteInHeaderIsReported() throws {
        let m = try damage { $0[40] ^= 0xFF }
        XCTAssertTrue(m.contains("damaged"), m)
    }

    /// One byte flipped in the middle of any section of any file of the index is reported: when
    /// the index is opened (root and small sections), or when the damaged part is first read.
    func testFlippedByteInEverySectionIsReported() throws {
        let (t, index) = try sampleIndex(latent: 2)
        try IndexFile.write(index, to: t.index)
        let names = try FileManager.default.contentsOfDirectory(atPath: t.index).filter { !$0.hasPrefix(".") }.sorted()
        XCTAssertEqual(names.count, 3, "\(names)")
        var flipped = 0
        for name in names {
            let path = t.index + "/" + name
            let original = try Data(contentsOf: URL(fileURLWithPath: path))
            var reader = ByteReader(original, range: 0..<original.count)
            _ = try reader.bytes(16)
            let count = Int(try reader.u32())
            _ = try reader.bytes(12)
            for _ in 0..<count {
                let tag = String(decoding: try reader.bytes(4), as: UTF8.self)
                _ = try reader.u32()
                let offset = Int(try reader.u64()), length = Int(try reader.u64())
                _ = try reader.u64()
                guard length > 0 else { continue }
                var data = original
                data[offset + length / 2] ^= 0x10
                try data.write(to: URL(fileURLWithPath: path))
                XCTAssertThrowsError(try IndexFile.read(from: t.index).checkAll(), "\(name) \(tag)") { error in
                    let message = "\(error)"
                    XCTAssertTrue(message.contains(path) && message.contains("checksum") && message.contains("lore index --rebuild"),
                                  "\(name) \(tag): \(message)")
                }
                flipped += 1
            }
            try original.write(to: URL(fileURLWithPath: path))
        }
        XCTAssertGreaterThanOrEqual(flipped, 20)
        try IndexFile.read(from: t.index).checkAll()
    }

    /// A passage record is checked when its passage is first read, not when the index opens: one
    /// pointing at a source the segment lacks opens, reads every other passage, and is reported
    /// (never a crash, never a wrong source) when its own passage is asked for.
    func testADamagedRecordIsReportedWhenItsPassageIsRead() throws {
        let (t, index) = try sampleIndex()
        let written = try IndexFile.write(index, to: t.index)
        let segmentPath = t.index + "/" + written.segments[0].name
        var data = try Data(contentsOf: URL(fileURLWithPath: segmentPath))
        var reader = ByteReader(data, range: 0..<data.count)
        _ = try reader.bytes(16)
        let count = Int(try reader.u32())
        _ = try reader.bytes(12)
        var records: Int?
        for _ in 0..<count {
            let tag = String(decoding: try reader.bytes(4), as: UTF8.self)
            _ = try reader.u32()
            let offset = Int(try reader.u64())
            _ = try reader.bytes(16)
            if tag == "PREC" { records = offset }
        }
        // Record 1's source (its last four bytes) set past the sources.
        let source = try XCTUnwrap(records) + 32 + 28
        data.replaceSubrange(source..<(source + 4), with: [0xFF, 0xFF, 0xFF, 0x7F])
        try data.write(to: URL(fileURLWithPath: segmentPath))
        let damaged = try IndexFile.read(from: t.index)
        XCTAssertEqual(try damaged.passage(0).text, try index.passage(0).text)
        XCTAssertEqual(try damaged.passage(2).text, try index.passage(2).text)
        XCTAssertThrowsError(try damaged.passage(1)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("index \(segmentPath) is damaged (record of passage 1 is inconsistent)"), message)
        }
    }

    func testOtherFormatVersionIsReported() throws {
        let m = try damage { $0[8] = 99 }
        XCTAssertTrue(m.contains("format version 99"), m)
    }

    func testMissingIndexSaysHowToBuild() {
        let t = TemporaryCorpus()
        XCTAssertThrowsError(try IndexFile.read(from: t.index)) { error in
            XCTAssertEqual("\(error)", "no index at \(t.index)/lore.idx: run `lore index` to build it")
        }
    }
}

final class RefreshTests: XCTestCase {
    private let words = ["team", "model", "cost", "latency", "vector", "mentor", "offshore", "review", "roadmap",
                         "budget", "strategy", "pipeline", "embedding", "compliance", "audit", "release", "debt"]

    private func note(_ rng: inout SplitMix64) -> String {
        var s = "# " + words[Int(rng.next() % UInt64(words.count))] + "\n\n"
        for section in 0..<Int(rng.next() % 3 + 1) {
            s += "## Part \(section)\n"
            for _ in 0..<Int(rng.next() % 30 + 3) { s += words[Int(rng.next() % UInt64(words.count))] + " " }
            s += "\n\n"
        }
        return s
    }

    /// A refreshed index must equal a full rebuild: same passages in the same order, same scores.
    func testRefreshAfterRandomEditsEqualsRebuild() throws {
        var rng = SplitMix64(seed: 2024)
        for latent in [0, 4] {
            let t = TemporaryCorpus()
            var config = IndexConfig()
            config.latent.dimensions = latent
            var present: [String] = []
            for i in 0..<12 {
                t.write("n\(i).md", note(&rng))
                present.append("n\(i).md")
            }
            let builder = IndexBuilder(corpus: t.corpus, config: config)
            var (index, _) = try builder.build(previous: nil)
            var segmentCounts: Set<Int> = []
            var next = 12
            for step in 0..<25 {
                switch rng.next() % 3 {
                case 0 where !present.isEmpty:  // edit
                    let p = present[Int(rng.next() % UInt64(present.count))]
                    t.write(p, note(&rng) + String(repeating: " extra", count: step + 1))
                case 1 where present.count > 2:  // delete
                    let i = Int(rng.next() % UInt64(present.count))
                    t.remove(present.remove(at: i))
                default:  // add
                    let p = "sub\(next % 3)/m\(next).md"
                    next += 1
                    t.write(p, note(&rng))
                    present.append(p)
                }
                let (built, report) = try builder.build(previous: index)
                // Through the files, as `lore index` then `lore ask` would.
                try IndexFile.write(built, to: t.index)
                let refreshed = try IndexFile.read(from: t.index)
                let (rebuilt, _) = try builder.build(previous: nil)
                XCTAssertFalse(report.isNoOp)
                XCTAssertEqual(try refreshed.allPassages(), try rebuilt.allPassages(), "step \(step)")
                XCTAssertLessThanOrEqual(refreshed.segments.count, IndexBuilder.maxSegments)
                segmentCounts.insert(refreshed.segments.count)
                let a = Searcher(index: refreshed), b = Searcher(index: rebuilt)
                for q in ["team cost", "vector embedding latency", "audit compliance review", "roadmap"] {
                    let x = try a.hits(for: q, k: 10), y = try b.hits(for: q, k: 10)
                    XCTAssertEqual(try sameRanking(x, refreshed, y, rebuilt), true, "step \(step) \(q)")
                }
                index = refreshed
            }
            // Without the latent layer, refreshes add segments and merge them past the limit.
            if latent == 0 { XCTAssertTrue(segmentCounts.contains(IndexBuilder.maxSegments), "\(segmentCounts)") }
        }
    }

    /// With a latent basis that is never refitted, refreshes fold new passages in and keep every
    /// other passage's vector, through new segments and merges.
    func testRefreshesKeepVectorsThroughSegmentsAndMerges() throws {
        var rng = SplitMix64(seed: 77)
        let t = TemporaryCorpus()
        var config = IndexConfig()
        config.latent.dimensions = 4
        config.latent.exactRefitBelow = 0
        config.latent.refitAfterChange = 1e9
        for i in 0..<40 { t.write("n\(i).md", note(&rng)) }
        let builder = IndexBuilder(corpus: t.corpus, config: config)
        var (index, _) = try builder.build(previous: nil)
        var merged = false
        for step in 0..<20 {
            let edited = "n\(Int(rng.next() % 40)).md"
            t.write(edited, note(&rng) + String(repeating: " more", count: step + 1))
            let before = index
            let (built, _) = try builder.build(previous: index)
            try IndexFile.write(built, to: t.index)
            index = try IndexFile.read(from: t.index)
            merged = merged || index.segments.count < before.segments.count
            XCTAssertLessThanOrEqual(index.segments.count, IndexBuilder.maxSegments)
            XCTAssertEqual(index.latent?.basisArray, before.latent?.basisArray)
            for entry in index.files where entry.path != edited {
                let old = try XCTUnwrap(before.files.first { $0.path == entry.path })
                XCTAssertEqual(entry.passageCount, old.passageCount)
                for j in 0..<entry.passageCount {
                    XCTAssertEqual(try before.passage(old.firstPassage + j), try index.passage(entry.firstPassage + j))
                    let (s0, i0) = before.locate(old.firstPassage + j), (s1, i1) = index.locate(entry.firstPassage + j)
                    XCTAssertEqual(Array(try s0.vector(i0)), Array(try s1.vector(i1)), "step \(step) \(entry.path)")
                }
            }
            let hits = try Searcher(index: index).hits(for: "team cost vector", k: 50)
            XCTAssertTrue(hits.allSatisfy { index.lexical.isLive($0.passage) })
        }
        XCTAssertTrue(merged, "twenty refreshes merge segments at least once")
    }

    /// True when two rankings name the same passages (by note and line) with scores within 1e-5,
    /// in the same order except among passages whose scores tie.
    private func sameRanking(_ x: [Hit], _ a: CorpusIndex, _ y: [Hit], _ b: CorpusIndex) throws -> Bool {
        guard x.count == y.count else { return false }
        func id(_ h: Hit, _ i: CorpusIndex) throws -> String { let p = try i.passage(h.passage); return "\(p.source):\(p.firstLine)" }
        var start = 0
        while start < x.count {
            var end = start + 1
            while end < x.count && abs(x[end].score - x[start].score) < 1e-5 { end += 1 }
            for j in start..<end where abs(x[j].score - y[j].score) >= 1e-5 { return false }
            let left = try Set(x[start..<end].map { try id($0, a) }), right = try Set(y[start..<end].map { try id($0, b) })
            // A tie group cut by k may hold different members of the tie; otherwise the same ones.
            if end < x.count && left != right { return false }
            start = end
        }
        return true
    }

    func testUnchangedCorpusIsANoOp() throws {
        let t = TemporaryCorpus()
        t.write("a.md", "# A\n\nalpha beta\n")
        let builder = IndexBuilder(corpus: t.corpus, config: IndexConfig())
        let (index, _) = try builder.build(previous: nil)
        XCTAssertFalse(try builder.isStale(index))
        let (_, report) = try builder.build(previous: index)
        XCTAssertTrue(report.isNoOp)
        XCTAssertEqual(report.passagesEmbedded, 0)
        t.write("a.md", "# A\n\nalpha beta gamma\n")
        XCTAssertTrue(try builder.isStale(index))
    }
}

/// The latent layer's refresh rule above `exactRefitBelow` passages: fold in, refit past the drift bound.
final class LatentRefreshTests: XCTestCase {
    func testFoldInKeepsTheBasisThenRefitsPastTheBound() throws {
        let t = TemporaryCorpus()
        var rng = SplitMix64(seed: 99)
        let words = (0..<300).map { "w\($0)x" }
        func note() -> String {
            (0..<4).map { s in "## S\(s)\n" + (0..<25).map { _ in words[Int(rng.next() % 300)] }.joined(separator: " ") }
                .joined(separator: "\n\n")
        }
        for i in 0..<60 { t.write(String(format: "n%03d.md", i), note()) }  // 240 passages
        var config = IndexConfig()
        config.latent.dimensions = 16
        config.latent.exactRefitBelow = 100
        config.latent.refitAfterChange = 0.1
        let builder = IndexBuilder(corpus: t.corpus, config: config)
        let (first, _) = try builder.build(previous: nil)
        XCTAssertEqual(first.passageCount, 240)
        func vectors(_ index: CorpusIndex, _ note: String) throws -> [Int16] {
            let entry = try XCTUnwrap(index.files.first { $0.path == note })
            var out: [Int16] = []
            for slot in entry.slots {
                let (segment, i) = index.locate(slot)
                out += try segment.vector(i)
            }
            return out
        }

        // One note edited: 4 of 240 passages, under the 10% bound: folded in.
        t.write("n007.md", note() + " extra")
        let (second, _) = try builder.build(previous: first)
        let a = try XCTUnwrap(first.latent), b = try XCTUnwrap(second.latent)
        XCTAssertEqual(b.basisArray, a.basisArray, "basis kept")
        XCTAssertEqual(b.changedSinceFit, 4 + 4)  // 4 passages out, 4 in
        XCTAssertEqual(second.segments.count, 2, "the edited note is a new segment")
        for note in ["n000.md", "n006.md", "n008.md", "n059.md"] {
            XCTAssertEqual(try vectors(second, note), try vectors(first, note), "unchanged passages keep their vectors")
        }
        XCTAssertNotEqual(try vectors(second, "n007.md"), try vectors(first, "n007.md"))
        // The lexical layer is exact: equal to a full build.
        let (rebuilt, _) = try builder.build(previous: nil)
        XCTAssertEqual(second.lexical.idf, rebuilt.lexical.idf)
        for entry in rebuilt.files {
            let other = try XCTUnwrap(second.files.first { $0.path == entry.path })
            for j in 0..<entry.passageCount {
                XCTAssertEqual(second.lexical.lengthNorms[other.firstPassage + j], rebuilt.lexical.lengthNorms[entry.firstPassage + j])
            }
        }

        // Edits past the bound (8 + 24 changed > 24 = 10% of 240): refitted, equal to a full build.
        for i in 20..<23 { t.write(String(format: "n%03d.md", i), note() + " more") }
        let (third, _) = try builder.build(previous: second)
        let (rebuilt3, _) = try builder.build(previous: nil)
        XCTAssertEqual(third.latent?.changedSinceFit, 0)
        XCTAssertEqual(third.latent?.basisArray, rebuilt3.latent?.basisArray)
        XCTAssertEqual(third.segments.count, 1)
        for entry in rebuilt3.files { XCTAssertEqual(try vectors(third, entry.path), try vectors(rebuilt3, entry.path)) }
    }
}
