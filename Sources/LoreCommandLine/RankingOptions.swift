import ArgumentParser
import LoreCore

/// A default as the help shows it: 2, not 2.0.
public func shown(_ value: Float) -> String {
    value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : "\(value)"
}

/// What the index stores (`IndexConfig`), shared by `lore index`, `lore ask`, `lore eval` and
/// `lore bench`. An option left out keeps the stored (or default) value; a change rebuilds.
public struct SchemaOptions: ParsableArguments {
    public init() {}

    @Option(parsing: .unconditional, help: "Hash terms into 2^N dimensions, at most 31 (default: \(IndexConfig().dimensionBits)).")
    public var dimensionBits: Int?

    @Option(parsing: .unconditional, help: "A heading term counts this many times a body term, a whole number (default: \(shown(IndexConfig().titleBoost))).")
    public var titleBoost: Float?

    @Option(parsing: .unconditional, help: "BM25 term-frequency saturation k1 (default: \(shown(IndexConfig().weighting.k1))).")
    public var k1: Float?

    @Option(parsing: .unconditional, help: "BM25 length normalization b (default: \(shown(IndexConfig().weighting.b))).")
    public var b: Float?

    @Option(parsing: .unconditional, help: "Rank of the latent (LSA) layer; 0 turns it off (default: \(IndexConfig().latent.dimensions)).")
    public var latentDims: Int?

    @Option(parsing: .unconditional, help: "Power iterations of the latent layer's randomized SVD (default: \(IndexConfig().latent.powerIterations)).")
    public var latentPowerIterations: Int?

    @Option(parsing: .unconditional, help: "Fit the latent basis on at most N passages, evenly spaced (default: \(IndexConfig().latent.fitSample)).")
    public var latentFitSample: Int?

    @Option(parsing: .unconditional, help: "Seed of the latent layer's random sketch, a whole number (default: \(IndexConfig().latent.seed)).")
    public var latentSeed: UInt64?

    @Option(parsing: .unconditional, help: "Signed hashing (bit 31 of a term's hash gives its sign): true or false (default: \(IndexConfig().signedHash)).")
    public var signedHash: Bool?

    public func validate() throws {
        var c = IndexConfig()
        apply(to: &c)
        do { try c.validate() } catch { throw ValidationError("\(error)") }
    }

    public func apply(to c: inout IndexConfig) {
        if let v = dimensionBits { c.dimensionBits = v }
        if let v = titleBoost { c.titleBoost = v }
        if let v = k1 { c.weighting.k1 = v }
        if let v = b { c.weighting.b = v }
        if let v = latentDims { c.latent.dimensions = v }
        if let v = latentPowerIterations { c.latent.powerIterations = v }
        if let v = latentFitSample { c.latent.fitSample = v }
        if let v = latentSeed { c.latent.seed = v }
        if let v = signedHash { c.signedHash = v }
    }
}

/// What a question chooses (`QueryOptions`), shared by `lore ask` and `lore eval`: never stored,
/// never a rebuild.
public struct SearchOptions: ParsableArguments {
    public init() {}

    @Option(parsing: .unconditional, help: "Largest weight of the latent score in the fused score; 0 turns the layer off (default: \(shown(QueryOptions().latentWeight)), where the weight is r² itself).")
    public var latentWeight: Float?

    @Option(parsing: .unconditional, help: "Weight of WordNet's related words for question words no note holds; 0 turns it off (default: \(shown(QueryOptions().relatedWeight)): a synonym counts as the word).")
    public var relatedWeight: Float?

    @Option(parsing: .unconditional, help: "Weight of term proximity (question words found together); 0 turns it off (default: \(shown(QueryOptions().proximityWeight))).")
    public var proximityWeight: Float?

    @Option(parsing: .unconditional, help: "Proximity rescores the best N passages of each pass (default: \(QueryOptions().proximityDepth)).")
    public var proximityDepth: Int?

    @Option(parsing: .unconditional, help: "Leave request phrases (\"I am interested in\", \"tell me about\") out of questions: true or false (default: \(QueryOptions().dropsRequestPhrases)).")
    public var dropRequestPhrases: Bool?

    @Option(parsing: .unconditional, help: "The latent layer rescores the best N lexical matches (default: ten per answer asked for, from 100 to 1000).")
    public var candidates: Int?

    @Option(parsing: .unconditional, help: "Rocchio feedback from the top N results; 0 turns it off (default: \(QueryOptions().feedback.documents)).")
    public var feedbackDocs: Int?

    @Option(parsing: .unconditional, help: "Largest Rocchio weight of the feedback passages' mean (default: \(shown(QueryOptions().feedback.beta))).")
    public var feedbackBeta: Float?

    @Option(parsing: .unconditional, help: "Rocchio: keep at most N added terms, the heaviest; 0 keeps all (default: \(QueryOptions().feedback.terms)).")
    public var feedbackTerms: Int?

    public var options: QueryOptions {
        var o = QueryOptions()
        if let v = dropRequestPhrases { o.dropsRequestPhrases = v }
        if let v = latentWeight { o.latentWeight = v }
        if let v = candidates { o.candidates = v }
        if let v = relatedWeight { o.relatedWeight = v }
        if let v = proximityWeight { o.proximityWeight = v }
        if let v = proximityDepth { o.proximityDepth = v }
        if let v = feedbackDocs { o.feedback.documents = v }
        if let v = feedbackBeta { o.feedback.beta = v }
        if let v = feedbackTerms { o.feedback.terms = v }
        return o
    }

    public func validate() throws {
        do { try options.validate() } catch { throw ValidationError("\(error)") }
    }
}
