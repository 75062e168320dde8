import Foundation
import XCTest
@testable import LoreCore

/// The development set (Tests/Fixtures/devset: 35 notes, 64 questions written blind, 35 of them
/// paraphrases that share no content word with their answer): the share of questions whose note
/// is in the top 3, by kind. Floors sit one question under what the defaults measured (keyword
/// 29/29; paraphrase 12/35 with WordNet, 5/35 without it).
final class DevSetTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/devset").path

    static func questions() throws -> [QuestionSet.Question] {
        try QuestionSet.read(root + "/questions.tsv", notesFolder: "notes/")
    }

    func testQuestionsFindTheirNotesInTheTop3() throws {
        let (index, _) = try IndexBuilder(corpus: Self.root + "/notes", config: IndexConfig()).build(previous: nil)
        let found = try QuestionSet.tally(Self.questions(), searcher: Searcher(index: index), label: "devset")
        XCTAssertEqual(found["keyword"]?.total, 29)
        XCTAssertEqual(found["paraphrase"]?.total, 35)
        XCTAssertGreaterThanOrEqual(found["keyword"]?.notes ?? 0, 28)
        XCTAssertGreaterThanOrEqual(found["paraphrase"]?.notes ?? 0, Searcher.related == nil ? 4 : 13,
                                    Searcher.related == nil ? "WordNet (Debian's wordnet-base) is not installed" : "")
    }

    /// A question framed as a request or as a search of the notes ("what did I write about …",
    /// "find my notes on …", "… check my notes", "show me the note about …", "I'd like to know …")
    /// gets exactly the answers of the plain question: the frame says where to look, not what
    /// about. Before `RequestPhrases` knew the notes' frames, they cost 7 of the 35 paraphrases'
    /// notes and 1 of the 29 keyword questions' notes (and their sections).
    func testFramedQuestionsGetThePlainQuestionsAnswers() throws {
        let (index, _) = try IndexBuilder(corpus: Self.root + "/notes", config: IndexConfig()).build(previous: nil)
        let searcher = Searcher(index: index)
        let frames = ["what did I write about %@?", "find my notes on %@", "%@? check my notes", "show me the note about %@",
                      "I'd like to know %@", "in our notes, %@", "We jotted down %@", "please tell me about %@"]
        for (n, question) in try Self.questions().enumerated() {
            let plain = question.text.trimmingCharacters(in: CharacterSet(charactersIn: "?"))
            let framed = String(format: frames[n % frames.count], plain)
            XCTAssertEqual(try searcher.hits(for: framed, k: 5).map(\.passage), try searcher.hits(for: plain, k: 5).map(\.passage), framed)
        }
    }

    /// WordNet brings a note's words to a question asked in others: "couch" finds the sofa, and
    /// only for question words no note holds.
    func testRelatedWordsReachTheNotesWording() throws {
        guard let related = Searcher.related else { throw XCTSkip("WordNet (Debian's wordnet-base) is not installed") }
        let words = related.of("couch").map(\.word)
        XCTAssertEqual(words.first, "sofa")
        XCTAssertTrue(related.of("physician").map(\.word).contains("doctor"))
        XCTAssertTrue(related.of("purchased").map(\.word).contains("buy"))  // morphy: purchased → purchase
        XCTAssertEqual(related.wordnet.lemmas(of: "went", .verb), ["go"])
        XCTAssertEqual(related.wordnet.lemmas(of: "couches", .noun), ["couch"])
        XCTAssertTrue(related.of("zzqx").isEmpty)
        let (index, _) = try IndexBuilder(corpus: Self.root + "/notes", config: IndexConfig()).build(previous: nil)
        let searcher = Searcher(index: index)
        XCTAssertFalse(try searcher.relatedCounts("couch", related).isEmpty)
        XCTAssertTrue(try searcher.relatedCounts("sofa", related).isEmpty, "a word the notes hold is not expanded")
    }
}

/// Sixty questions about the bundled notes (Tests/Fixtures/corpus-blind-questions.tsv), written
/// from the two source documents alone by an author who had not seen the notes or the ranking
/// code, before the answering note and section were looked up, and never edited: 20 reuse a
/// distinctive word, 40 ask in other words. Floors one question under what the defaults measured
/// (notes in the top 3: keyword 20/20, paraphrase 31/40; sections 15/20 and 21/40). Their first
/// run, before any change was measured on them, gave 20/20, 32/40, 14/20 and 20/40.
final class BlindQuestionsTests: XCTestCase {
    func testBlindQuestionsFindTheirNotesInTheTop3() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let questions = try QuestionSet.read(root.appendingPathComponent("Tests/Fixtures/corpus-blind-questions.tsv").path,
                                             notesFolder: "corpus/")
        let (index, _) = try IndexBuilder(corpus: root.appendingPathComponent("corpus").path, config: IndexConfig()).build(previous: nil)
        let found = try QuestionSet.tally(questions, searcher: Searcher(index: index), label: "blind")
        XCTAssertEqual(found["keyword"]?.total, 20)
        XCTAssertEqual(found["paraphrase"]?.total, 40)
        XCTAssertGreaterThanOrEqual(found["keyword"]?.notes ?? 0, 19)
        // Without WordNet the defaults find 29 of the 40 (measured with --related-weight 0).
        XCTAssertGreaterThanOrEqual(found["paraphrase"]?.notes ?? 0, Searcher.related == nil ? 28 : 30,
                                    Searcher.related == nil ? "WordNet (Debian's wordnet-base) is not installed" : "")
        XCTAssertGreaterThanOrEqual(found["keyword"]?.sections ?? 0, 14)
        XCTAssertGreaterThanOrEqual(found["paraphrase"]?.sections ?? 0, 20)
    }

    /// The same questions, each with two neighbouring letters of its longest word swapped
    /// ("buidling"): the corrections of words WordNet does not know bring back what the typo lost.
    func testBlindQuestionsWithATypoInTheirLongestWord() throws {
        guard Searcher.related != nil else { throw XCTSkip("WordNet (Debian's wordnet-base) is not installed") }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var questions = try QuestionSet.read(root.appendingPathComponent("Tests/Fixtures/corpus-blind-questions.tsv").path,
                                             notesFolder: "corpus/")
        for i in questions.indices { questions[i].text = QuestionSet.withTypo(questions[i].text) }
        XCTAssertEqual(questions[0].text, "How did Krishna lead the 6-person team buidling the RAG system?")
        let (index, _) = try IndexBuilder(corpus: root.appendingPathComponent("corpus").path, config: IndexConfig()).build(previous: nil)
        let found = try QuestionSet.tally(questions, searcher: Searcher(index: index), label: "blind with typos")
        XCTAssertGreaterThanOrEqual(found["keyword"]?.notes ?? 0, 19)
        // Without the corrections the typos cost five: 27 of the 40 (the build before them, when
        // the questions without typos found 32).
        XCTAssertGreaterThanOrEqual(found["paraphrase"]?.notes ?? 0, 30)
    }
}

/// The held-out sets (Tests/Fixtures/holdout and holdout2: 32 notes each, in eight folders unlike
/// the development set's and each other's, 72 questions: 24 keyword, 24 paraphrases, 24 typed as
/// people search their notes), each written blind by an author who saw neither the ranking code
/// nor any result, and measured once, as it came: no change to the ranking is chosen on them.
/// Floors one question under each first run (notes in the top 3).
final class HoldoutTests: XCTestCase {
    /// First run: keyword 24/24, paraphrase 9/24, natural 22/24.
    func testHeldOutQuestionsFindTheirNotesInTheTop3() throws {
        try assertFloors("holdout", keyword: 23, paraphrase: 8, natural: 21)
    }

    /// First run (2026-11-29, a session later): keyword 24/24, paraphrase 5/24, natural 24/24.
    func testSecondHeldOutSetFindsItsNotesInTheTop3() throws {
        try assertFloors("holdout2", keyword: 23, paraphrase: 4, natural: 23)
    }

    private func assertFloors(_ set: String, keyword: Int, paraphrase: Int, natural: Int,
                              file: StaticString = #filePath, line: UInt = #line) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/\(set)").path
        let questions = try QuestionSet.read(root + "/questions.tsv", notesFolder: "notes/")
        let (index, _) = try IndexBuilder(corpus: root + "/notes", config: IndexConfig()).build(previous: nil)
        let found = try QuestionSet.tally(questions, searcher: Searcher(index: index), label: set)
        XCTAssertEqual(found.mapValues(\.total), ["keyword": 24, "paraphrase": 24, "natural": 24], file: file, line: line)
        XCTAssertGreaterThanOrEqual(found["keyword"]?.notes ?? 0, keyword, file: file, line: line)
        XCTAssertGreaterThanOrEqual(found["paraphrase"]?.notes ?? 0, paraphrase, file: file, line: line)
        XCTAssertGreaterThanOrEqual(found["natural"]?.notes ?? 0, natural, file: file, line: line)
    }
}

/// A question set over a notes folder: each question's kind, and the note and section that
/// answer it (a TSV of kind, question, `folder/note.md#Section`, under a header line).
enum QuestionSet {
    struct Question { var kind: String, text: String, note: String, section: String }

    /// The questions of `path`; `notesFolder` is the prefix of each answer's path that the
    /// index's sources lack.
    static func read(_ path: String, notesFolder: String) throws -> [Question] {
        let tsv = try String(contentsOfFile: path, encoding: .utf8)
        return tsv.split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: "\t").map(String.init)
            let target = f[2].split(separator: "#", maxSplits: 1).map(String.init)
            return Question(kind: f[0], text: f[1], note: String(target[0].dropFirst(notesFolder.count)), section: target[1])
        }
    }

    /// `text` with the two middle letters of its longest word of six or more plain letters
    /// swapped (the first such word when two are as long), or as it is when it has none.
    static func withTypo(_ text: String) -> String {
        let words: [Substring] = text.split(whereSeparator: { !($0.isASCII && $0.isLetter) }).filter { $0.count >= 6 }
        guard let word = words.max(by: { $0.count < $1.count }) else { return text }
        var letters = Array(word)
        let i = letters.count / 2 - 1
        guard letters[i] != letters[i + 1] else { return text }
        letters.swapAt(i, i + 1)
        var out = text
        out.replaceSubrange(word.startIndex..<word.endIndex, with: String(letters))
        return out
    }

    /// By kind: the questions whose note, and whose section, is in the top 3; printed with `label`.
    static func tally(_ questions: [Question], searcher: Searcher, label: String) throws
        -> [String: (notes: Int, sections: Int, total: Int)] {
        var found: [String: (notes: Int, sections: Int, total: Int)] = [:]
        for q in questions {
            let inNote = try searcher.search(q.text, k: 3).filter { $0.passage.source == q.note }
            var tally = found[q.kind, default: (0, 0, 0)]
            tally.total += 1
            if !inNote.isEmpty { tally.notes += 1 }
            if inNote.contains(where: { $0.passage.title.components(separatedBy: " › ").last == q.section }) { tally.sections += 1 }
            found[q.kind] = tally
        }
        for (kind, t) in found.sorted(by: { $0.key < $1.key }) {
            print("\(label) \(kind): \(t.notes)/\(t.total) notes and \(t.sections)/\(t.total) sections in the top 3")
        }
        return found
    }
}

final class SynonymsTests: XCTestCase {
    func testGroupsCommentsAndCase() {
        let s = Synonyms(text: "# comment\nCouch, sofa , settee\n\nsingle\nslip,delay # trailing\ncouch, divan\n")
        XCTAssertEqual(s.of("couch"), ["sofa", "settee", "divan"])
        XCTAssertEqual(s.of("SOFA"), ["couch", "settee"])
        XCTAssertEqual(s.of("delay"), ["slip"])
        XCTAssertEqual(s.of("single"), [])
    }
}
