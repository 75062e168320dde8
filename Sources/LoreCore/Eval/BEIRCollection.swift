import Foundation

/// A test collection in BEIR format, loaded whole into memory, to measure Lore's retrieval
/// quality against published relevance judgments.
///
/// The folder holds:
/// - `corpus.jsonl`: one JSON object per line, `{"_id", "title", "text"}`;
/// - `queries.jsonl`: one JSON object per line, `{"_id", "text"}`;
/// - `qrels/test.tsv` (BEIR's layout, preferred when present) or `qrels.tsv`: a header line
///   `query-id<TAB>corpus-id<TAB>score`, then one judgment per line.
///
/// Leniencies, since real collections vary: `_id` may be a JSON string or integer (it is kept as
/// the integer's decimal text); a missing or null `title` reads as ""; other keys (e.g.
/// `metadata`) are ignored; blank lines, a UTF-8 byte order mark and CRLF line ends are accepted;
/// the qrels header is recognised as the first line whose score is not an integer, so a file
/// without one loses no judgment. A judgment repeated for the same query and document keeps the
/// last grade, as BEIR's own loader does. Ids are not cross-checked between the files.
public struct BEIRCollection: Sendable {
    /// A corpus document.
    public struct Document: Sendable, Equatable {
        public var id: String
        public var title: String
        public var text: String

        public init(id: String, title: String, text: String) {
            self.id = id
            self.title = title
            self.text = text
        }
    }

    /// A test query.
    public struct Query: Sendable, Equatable {
        public var id: String
        public var text: String

        public init(id: String, text: String) {
            self.id = id
            self.text = text
        }
    }

    /// The collection's name: the folder's last path component.
    public var name: String
    /// The corpus, in file order.
    public var documents: [Document]
    /// The queries, in file order.
    public var queries: [Query]
    /// query id → judgments (document id → grade).
    public var qrels: [String: Judgments]

    /// Loads the collection in `folder`.
    ///
    /// Throws `LoreError` with a message naming the file (and line, as `path:line: problem`) for a
    /// missing folder or file, a line that is not a JSON object with a string or integer `_id`
    /// and a string `text`, or a qrels line that is not three tab-separated fields ending in an
    /// integer grade.
    public init(folder: String) throws {
        let root = URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LoreError.badTestCollection(path: root.path, problem: "BEIR collection folder not found")
        }
        name = root.lastPathComponent

        let decoder = JSONDecoder()
        documents = try Self.readJSONLines(root.appendingPathComponent("corpus.jsonl").path) { line in
            let record = try decoder.decode(Record.self, from: line)
            return Document(id: record.id, title: record.title ?? "", text: record.text)
        }
        queries = try Self.readJSONLines(root.appendingPathComponent("queries.jsonl").path) { line in
            let record = try decoder.decode(Record.self, from: line)
            return Query(id: record.id, text: record.text)
        }

        let candidates = ["qrels/test.tsv", "qrels.tsv"].map { root.appendingPathComponent($0).path }
        guard let qrelsPath = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw LoreError.badTestCollection(path: root.path, problem: "missing qrels (neither qrels/test.tsv nor qrels.tsv)")
        }
        qrels = try Self.readQrels(qrelsPath)
    }

    /// The ids of judged queries that `queries.jsonl` does not hold, sorted: they cannot be asked,
    /// and an evaluation leaves them out (as BEIR's and trec_eval's runs hold only queries asked).
    public var judgedQueriesWithoutText: [String] {
        let asked = Set(queries.map(\.id))
        return qrels.keys.filter { !asked.contains($0) }.sorted()
    }

    // MARK: - Reading

    /// One line of corpus.jsonl or queries.jsonl.
    private struct Record: Decodable {
        var id: String
        var title: String?
        var text: String

        enum CodingKeys: String, CodingKey {
            case id = "_id", title, text
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if let string = try? container.decode(String.self, forKey: .id) {
                id = string
            } else if let integer = try? container.decode(Int64.self, forKey: .id) {
                id = String(integer)
            } else if container.contains(.id) {
                throw LineProblem("\"_id\" is neither a string nor an integer")
            } else {
                throw LineProblem("no \"_id\"")
            }
            guard container.contains(.text) else { throw LineProblem("no \"text\"") }
            guard let text = try? container.decode(String.self, forKey: .text) else {
                throw LineProblem("\"text\" is not a string")
            }
            self.text = text
            do { title = try container.decodeIfPresent(String.self, forKey: .title) } catch {
                throw LineProblem("\"title\" is not a string")
            }
        }
    }

    /// What is wrong with one line, before the file and line number are added.
    private struct LineProblem: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// The file's lines (without `\n`, a trailing `\r` or a leading byte order mark), with their
    /// 1-based numbers, skipping blank ones.
    private static func lines(of path: String) throws -> [(number: Int, bytes: Data)] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw LoreError.badTestCollection(path: path, problem: "BEIR collection file not found")
        }
        let data: Data
        do throws(CorpusReader.ErrorCode) { data = try CorpusReader.readFile(path) } catch {
            throw LoreError.badTestCollection(path: path, problem: "cannot read it (\(LoreError.reason(error.code)))")
        }
        var result: [(number: Int, bytes: Data)] = []
        for (index, slice) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            var line = slice
            if index == 0, line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
            if line.last == 0x0D { line = line.dropLast() }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            result.append((index + 1, Data(line)))
        }
        return result
    }

    private static func readJSONLines<T>(_ path: String, _ parse: (Data) throws -> T) throws -> [T] {
        var items: [T] = []
        for (number, bytes) in try lines(of: path) {
            do {
                items.append(try parse(bytes))
            } catch let problem as LineProblem {
                throw LoreError.badTestCollection(path: "\(path):\(number)", problem: problem.message)
            } catch DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty {
                throw LoreError.badTestCollection(path: "\(path):\(number)", problem: "not a JSON object")
            } catch {
                throw LoreError.badTestCollection(path: "\(path):\(number)", problem: "not valid JSON")
            }
        }
        return items
    }

    private static func readQrels(_ path: String) throws -> [String: Judgments] {
        var qrels: [String: Judgments] = [:]
        var seenRow = false
        for (number, bytes) in try lines(of: path) {
            let line = String(decoding: bytes, as: UTF8.self)
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            let grade = fields.count == 3 ? Int(fields[2]) : nil
            if !seenRow, grade == nil, fields.count == 3 { // the header
                seenRow = true
                continue
            }
            seenRow = true
            guard fields.count == 3, let grade, !fields[0].isEmpty, !fields[1].isEmpty else {
                throw LoreError.badTestCollection(
                    path: "\(path):\(number)", problem: "expected query-id<TAB>corpus-id<TAB>integer score, got \"\(line)\"")
            }
            qrels[fields[0], default: [:]][fields[1]] = grade
        }
        return qrels
    }
}
