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
        t.write("d.txt", "Vector database selection and scaling for retrieval.\n")
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
        XCTAssertEqual(read.passages, index.passages)
        XCTAssertEqual(read.counts, index.counts)
        XCTAssertEqual(read.latent?.passageVectors, index.latent?.passageVectors)
        XCTAssertEqual(read.latent?.basis, index.latent?.basis)
        XCTAssertEqual(index.passages.all.map(\.source), ["a.md", "b/c.md", "d.txt"])
    }

    private func damage(_ mutate: (inout Data) -> Void) throws -> String {
        let (t, index) = try sampleIndex(latent: 2)
        try IndexFile.write(index, to: t.index)
        let path = t.index + "/" + IndexFile.fileName
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        mutate(&data)
        try data.write(to: URL(fileURLWithPath: path))
        do {
            _ = try IndexFile.read(from: t.index)
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

    func testFlippedByteInEverySectionIsReported() throws {
        let (t, index) = try sampleIndex(latent: 2)
        try IndexFile.write(index, to: t.index)
        let path = t.index + "/" + IndexFile.fileName
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        // Flip one byte in the middle of each section.
        var reader = ByteReader(original, range: 0..<original.count)
        _ = try reader.bytes(16)
        let count = Int(try reader.u32())
        _ = try reader.bytes(12)
        for _ in 0..<count {
            let tag = String(decoding: try reader.bytes(4), as: UTF8.self)
            _ = try reader.u32()
            let offset = Int(try reader.u64()), length = Int(try reader.u64())
            _ = try reader.u64()
            var data = original
            data[offset + length / 2] ^= 0x10
            try data.write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try IndexFile.read(from: t.index), tag) { error in
                XCTAssertTrue("\(error)".contains("section \(tag) checksum"), "\(error)")
            }
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
            config.feedback.documents = 2
            var present: [String] = []
            for i in 0..<12 {
                t.write("n\(i).md", note(&rng))
                present.append("n\(i).md")
            }
            let builder = IndexBuilder(corpus: t.corpus, config: config)
            var (index, _) = try builder.build(previous: nil)
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
                let (refreshed, report) = try builder.build(previous: index)
                let (rebuilt, _) = try builder.build(previous: nil)
                XCTAssertFalse(report.isNoOp)
                XCTAssertEqual(refreshed.passages, rebuilt.passages, "step \(step)")
                XCTAssertEqual(refreshed.counts, rebuilt.counts, "step \(step)")
                let a = Searcher(index: refreshed), b = Searcher(index: rebuilt)
                for q in ["team cost", "vector embedding latency", "audit compliance review"] {
                    let x = a.hits(for: q, k: 10), y = b.hits(for: q, k: 10)
                    XCTAssertEqual(x.map(\.passage), y.map(\.passage), "step \(step) \(q)")
                    for (h1, h2) in zip(x, y) { XCTAssertEqual(h1.score, h2.score, accuracy: 1e-5) }
                }
                index = refreshed
            }
        }
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
        XCTAssertEqual(first.passages.count, 240)

        // One note edited: 4 of 240 passages, under the 10% bound: folded in.
        t.write("n007.md", note() + " extra")
        let (second, _) = try builder.build(previous: first)
        let a = try XCTUnwrap(first.latent), b = try XCTUnwrap(second.latent)
        XCTAssertEqual(b.basis, a.basis, "basis kept")
        XCTAssertEqual(b.changedSinceFit, 4 + 4)  // 4 passages out, 4 in
        let k = a.rank
        XCTAssertEqual(Array(b.passageVectors[0..<(28 * k)]), Array(a.passageVectors[0..<(28 * k)]), "unchanged passages keep their vectors")
        XCTAssertNotEqual(Array(b.passageVectors[(28 * k)..<(32 * k)]), Array(a.passageVectors[(28 * k)..<(32 * k)]))
        // The lexical layer is exact: equal to a full build.
        let (rebuilt, _) = try builder.build(previous: nil)
        XCTAssertEqual(second.lexical.postingWeights, rebuilt.lexical.postingWeights)

        // Edits past the bound (8 + 24 changed > 24 = 10% of 240): refitted, equal to a full build.
        for i in 20..<23 { t.write(String(format: "n%03d.md", i), note() + " more") }
        let (third, _) = try builder.build(previous: second)
        let (rebuilt3, _) = try builder.build(previous: nil)
        XCTAssertEqual(third.latent?.changedSinceFit, 0)
        XCTAssertEqual(third.latent?.basis, rebuilt3.latent?.basis)
        XCTAssertEqual(third.latent?.passageVectors, rebuilt3.latent?.passageVectors)
    }
}
