import Foundation

/// The operations every front end shares (`lore ask` and `lore get`, the MCP tools, the HTTP
/// API): one implementation each, answering Codable values.
extension NotesService {
    /// The passages found for a request, with what printing them needs.
    public struct Found {
        public var results: [SearchResult]
        /// The analyzer the question went through (for highlighting).
        public var analyzer: Analyzer
        /// Milliseconds spent searching (not opening the index).
        public var took: Double
        public var generation: Int
    }

    /// The best passages for `request` from one snapshot, best first, ranks counted after the
    /// filters. Throws `ServiceError.badRequest` for an empty question or one with no word to search.
    public func find(_ request: SearchRequest) throws -> Found {
        try request.validate()
        return try reading { snap in try snap.withSearcher(options: options) { searcher in
            if searcher.analyzer.terms(request.question).isEmpty {
                throw ServiceError.badRequest("the question has no words to search for (only stop words or punctuation)")
            }
            if options.dropsRequestPhrases, searcher.analyzer.terms(RequestPhrases.removed(from: request.question)).isEmpty {
                throw ServiceError.badRequest("the question has no words to search for beside request words such as \"show me\", \"my notes\", \"tell me about\": say what you are looking for")
            }
            let start = DispatchTime.now().uptimeNanoseconds
            let filtered = request.pathPrefix != nil || request.tag != nil
            // Filters and grouping keep some of the hits: ask for more (a filter, ten per answer and
            // at least the candidates chosen, 1000 when left to the default), then keep the first
            // k that pass.
            let depth = filtered ? min(SearchRequest.maxK, max(request.k * 10, options.candidates ?? 1000))
                : request.group ? min(SearchRequest.maxK, request.k * 10) : request.k
            let prefix = request.pathPrefix.map(relative)
            let tag = request.tag?.lowercased()
            var seen: Set<String> = []
            var results: [SearchResult] = []
            for hit in try searcher.hits(for: request.question, k: depth) where results.count < request.k {
                if let minScore = request.minScore, hit.score < minScore { break }
                let passage = try snap.index.passage(hit.passage)
                if let prefix, !Self.path(passage.source, isUnder: prefix) { continue }
                if let tag, !(try snap.index.tags(hit.passage)).contains(where: { $0.lowercased() == tag }) { continue }
                if request.group, !seen.insert(passage.source).inserted { continue }
                results.append(SearchResult(rank: results.count + 1, score: hit.score, passage: passage, passageIndex: hit.passage))
            }
            let took = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            // The searcher goes back to the pool: the caller highlights with an analyzer of its own.
            return Found(results: results, analyzer: Analyzer(foldsDiacritics: snap.index.config.foldDiacritics), took: took, generation: snap.generation)
        } }
    }

    /// `find`, as a Codable answer: each passage with its snippet and matched words, and its
    /// whole text when `full`.
    public func search(_ request: SearchRequest, full: Bool = false) throws -> SearchAnswer {
        let found = try find(request)
        let highlighter = Highlighter(question: request.question, analyzer: found.analyzer,
                                      dropsRequestPhrases: options.dropsRequestPhrases)
        let hits = found.results.map { r in
            let snippet = Snippet().of(r.passage.text, matching: highlighter)
            var matches: [String] = []
            for piece in highlighter.segments(snippet) where piece.match && !matches.contains(piece.text) {
                matches.append(piece.text)
            }
            return SearchHit(rank: r.rank, score: (Double(r.score) * 1e6).rounded() / 1e6, source: shown(r.passage.source),
                             lines: [r.passage.firstLine, r.passage.lastLine], title: r.passage.title, snippet: snippet,
                             matches: matches, text: full ? r.passage.text : nil)
        }
        return SearchAnswer(query: request.question, took_ms: (found.took * 1000).rounded() / 1000,
                            generation: found.generation, results: hits)
    }

    /// A note, or lines `lines` of it, by its path (relative to the notes folder or with the
    /// folder in front). Paths leading outside the folder, and files a search never shows (hidden,
    /// ignored, not a note's type), are refused.
    public func get(_ path: String, lines: ClosedRange<Int>? = nil) throws(ServiceError) -> NoteText {
        let text: String
        do { text = try NoteReader(corpus: store.corpusPath, respectIgnores: store.respectIgnores).read(path) } catch {
            switch error {
            case .outside, .notANote: throw .refusedPath(error.description)
            case .missing: throw .notFound(error.description)
            case .notText: throw .badRequest(error.description)
            }
        }
        // Lines as the splitter numbers them (\n, \r\n or \r end one).
        var all = NoteSplitter.lines(text)
        if all.last == "" { all.removeLast() }
        // An empty note, asked for whole, is its empty text (0 lines: [0, 0]).
        if all.isEmpty && lines == nil { return NoteText(path: path, lines: [0, 0], total_lines: 0, text: "") }
        let range = lines ?? 1...all.count
        guard range.lowerBound >= 1, range.lowerBound <= all.count else {
            throw .notFound("\(path) has \(all.count) lines: line \(range.lowerBound) is not one of them")
        }
        let last = min(range.upperBound, all.count)
        return NoteText(path: path, lines: [range.lowerBound, last], total_lines: all.count,
                        text: all[(range.lowerBound - 1)..<last].joined(separator: "\n"))
    }

    /// `PATH`, `PATH:LINE` or `PATH:FIRST-LAST`: the path and the line range, if any.
    public static func parseTarget(_ target: String) throws(ServiceError) -> (path: String, lines: ClosedRange<Int>?) {
        guard let colon = target.lastIndex(of: ":"), target[target.index(after: colon)...].first?.isNumber == true else {
            return (target, nil)
        }
        return (String(target[..<colon]), try parseLines(String(target[target.index(after: colon)...])))
    }

    /// `LINE` or `FIRST-LAST`, counted from 1 (as `get`'s `lines` takes them); anything else is refused.
    public static func parseLines(_ spec: String) throws(ServiceError) -> ClosedRange<Int> {
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let first = Int(parts[0]), first >= 1, let last = parts.count > 1 ? Int(parts[1]) : first, last >= first else {
            throw .badRequest("lines must be LINE or FIRST-LAST, counted from 1: \(spec)")
        }
        return first...last
    }

    /// The most bytes `multiGet` may be asked to return.
    public static let maxBytesLimit = 10_000_000

    /// Several notes (or line ranges, `PATH:A-B`), by their paths and/or by a glob over the
    /// indexed notes' paths (`*` crosses folders: `stories/*.md`, `*budget*`), in that order, up to
    /// `maxBytes` of text in all. Each note left out (over the cap, missing, outside the folder)
    /// is named in `omitted` with the reason.
    public func multiGet(paths: [String] = [], glob: String? = nil, maxBytes: Int = 100_000) throws -> NotesAnswer {
        guard (1...Self.maxBytesLimit).contains(maxBytes) else {
            throw ServiceError.badRequest("max_bytes must be 1 to \(Self.maxBytesLimit)")
        }
        var targets = paths
        if let glob {
            let pattern = relative(glob)
            let snap = try snapshot()
            let matched = snap.index.files.map(\.path).filter { fnmatch(pattern, $0, 0) == 0 }
            if matched.isEmpty && paths.isEmpty { throw ServiceError.notFound("no note matches \(glob)") }
            targets += matched.map(shown)
        }
        guard !targets.isEmpty else { throw ServiceError.badRequest("give paths or a glob") }
        var answer = NotesAnswer(notes: [], omitted: [], max_bytes: maxBytes)
        var used = 0
        for target in targets {
            do {
                let (path, lines) = try Self.parseTarget(target)
                let note = try get(path, lines: lines)
                let size = note.text.utf8.count
                guard used + size <= maxBytes else {
                    answer.omitted.append(.init(path: target, reason: "\(size) bytes would pass the cap of \(maxBytes) (\(used) used)"))
                    continue
                }
                used += size
                answer.notes.append(note)
            } catch {
                answer.omitted.append(.init(path: target, reason: error.description))
            }
        }
        return answer
    }

    /// What the service serves from, read from one snapshot.
    public func status() throws -> ServiceStatus {
        let snap = try snapshot()
        let c = snap.index.config
        let built = snap.builtAt
        let formatter = ISO8601DateFormatter()
        return ServiceStatus(
            corpus: store.corpusPath, index: store.indexPath, notes: snap.index.files.count,
            passages: snap.index.passageCount, generation: snap.generation,
            built_at: built.map { formatter.string(from: $0) },
            index_age_seconds: built.map { (Date().timeIntervalSince($0) * 10).rounded() / 10 },
            recheck_seconds: recheck,
            settings: .init(dimension_bits: c.dimensionBits, title_boost: c.titleBoost, k1: c.weighting.k1, b: c.weighting.b,
                            latent_dims: c.latent.dimensions, latent_layer: snap.index.latent != nil,
                            latent_weight: options.latentWeight, related_weight: options.relatedWeight,
                            proximity_weight: options.proximityWeight, proximity_depth: options.proximityDepth,
                            drop_request_phrases: options.dropsRequestPhrases,
                            candidates: options.candidates, feedback_docs: options.feedback.documents,
                            synonyms: snap.synonyms?.groups.count ?? 0))
    }

    /// A note's path as `lore ask` shows it: with the notes folder in front, unless it is `.`.
    public func shown(_ source: String) -> String {
        store.corpusPath == "." ? source : store.corpusPath + "/" + source
    }

    /// `path` relative to the notes folder (the folder as given, or `./`, taken off its front).
    func relative(_ path: String) -> String {
        var p = path
        let prefix = store.corpusPath.hasSuffix("/") ? store.corpusPath : store.corpusPath + "/"
        if p.hasPrefix(prefix) { p = String(p.dropFirst(prefix.count)) }
        while p.hasPrefix("./") { p = String(p.dropFirst(2)) }
        return p
    }

    /// True when `source` is the note `prefix` or lies in the folder `prefix`.
    static func path(_ source: String, isUnder prefix: String) -> Bool {
        if prefix.isEmpty || prefix == "/" { return true }
        if source == prefix { return true }
        return source.hasPrefix(prefix.hasSuffix("/") ? prefix : prefix + "/")
    }
}

extension ServiceError {
    init(_ error: any Error) {
        self = (error as? ServiceError) ?? .badRequest("\(error)")
    }
}
