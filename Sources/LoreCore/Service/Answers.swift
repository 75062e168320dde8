import Foundation

/// A request the service refuses, typed so that each front end can say it its own way (the CLI
/// one line, HTTP a 4xx status, MCP a tool error).
public enum ServiceError: Error, CustomStringConvertible, Equatable {
    /// A parameter is missing or out of range.
    case badRequest(String)
    /// A path leads outside the notes folder, or to a file that is not one of its notes (hidden,
    /// ignored, or not a note's type): what `get` may read is what a search may show.
    case refusedPath(String)
    /// No such note, or no such line in it.
    case notFound(String)

    public var description: String {
        switch self {
        case .badRequest(let m), .refusedPath(let m), .notFound(let m): return m
        }
    }
}

/// A question and what narrows its answers.
public struct SearchRequest: Sendable, Equatable {
    public var question: String
    public var k: Int
    /// Only notes whose path (relative to the notes folder, or with the folder in front) starts
    /// with this: a folder such as `stories/` or a note's path.
    public var pathPrefix: String?
    /// Only passages of notes with this front-matter tag (case-insensitive).
    public var tag: String?
    /// Each note's best passage only.
    public var group: Bool
    /// Leave out passages scoring under this.
    public var minScore: Float?

    public init(question: String, k: Int = 5, pathPrefix: String? = nil, tag: String? = nil, group: Bool = false,
                minScore: Float? = nil) {
        self.question = question
        self.k = k
        self.pathPrefix = pathPrefix
        self.tag = tag
        self.group = group
        self.minScore = minScore
    }

    /// The most passages one answer holds.
    public static let maxK = 10_000

    /// Refuses an empty question, a k out of range, a least score that is not a number.
    public func validate() throws(ServiceError) {
        guard question.contains(where: { !$0.isWhitespace }) else {
            throw .badRequest("the question is empty: ask in plain words, such as \"how did the team cut costs?\"")
        }
        guard (1...Self.maxK).contains(k) else { throw .badRequest("k must be 1 to \(Self.maxK)") }
        if let m = minScore, !m.isFinite { throw .badRequest("the least score must be a number") }
    }
}

/// The answer to a question, as JSON keys: `{"query", "took_ms", "generation", "results"}`.
public struct SearchAnswer: Codable, Sendable, Equatable {
    public var query: String
    public var took_ms: Double
    /// The index generation every result was read from (see `IndexSnapshot`).
    public var generation: Int
    public var results: [SearchHit]
}

/// One passage of an answer.
public struct SearchHit: Codable, Sendable, Equatable {
    public var rank: Int
    public var score: Double
    /// The note's path as `lore ask` shows it (with the notes folder in front, unless it is `.`).
    public var source: String
    /// First and last line of the passage in the note.
    public var lines: [Int]
    public var title: String
    /// The lines holding the question's words (see `Snippet`).
    public var snippet: String
    /// The words of the snippet that match the question, each once, for highlighting.
    public var matches: [String]
    /// The whole passage, when asked for.
    public var text: String?
}

/// A note, or some of its lines.
public struct NoteText: Codable, Sendable, Equatable {
    public var path: String
    /// First and last line given (1-based, inclusive).
    public var lines: [Int]
    /// Lines the note has.
    public var total_lines: Int
    public var text: String
}

/// Several notes, up to a size cap; what was left out says why.
public struct NotesAnswer: Codable, Sendable, Equatable {
    public var notes: [NoteText]
    public var omitted: [Omitted]
    public var max_bytes: Int

    public struct Omitted: Codable, Sendable, Equatable {
        public var path: String
        public var reason: String
    }
}

/// What the service serves from.
public struct ServiceStatus: Codable, Sendable, Equatable {
    public var corpus: String
    public var index: String
    public var notes: Int
    public var passages: Int
    public var generation: Int
    /// When the index was last written (ISO 8601, UTC), and how long ago in seconds.
    public var built_at: String?
    public var index_age_seconds: Double?
    /// Seconds between two looks at the notes for changes.
    public var recheck_seconds: Double
    public var settings: Settings

    public struct Settings: Codable, Sendable, Equatable {
        public var dimension_bits: Int
        public var title_boost: Float
        public var k1: Float
        public var b: Float
        public var latent_dims: Int
        public var latent_layer: Bool
        public var latent_weight: Float
        public var related_weight: Float
        public var proximity_weight: Float
        public var proximity_depth: Int
        public var drop_request_phrases: Bool
        /// Absent when automatic (ten per answer asked for, from 100 to 1000).
        public var candidates: Int?
        public var feedback_docs: Int
        public var synonyms: Int
    }
}

/// JSON as Lore prints it: sorted keys (the same answer is the same bytes), slashes as they are.
public enum LoreJSON {
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = false) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.withoutEscapingSlashes, .sortedKeys, .prettyPrinted]
            : [.withoutEscapingSlashes, .sortedKeys]
        // Every value here is plain data: encoding cannot fail.
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
