import ArgumentParser
import LoreCore

/// What the index stores (`IndexConfig`), shared by `lore index`, `lore ask`, `lore eval` and
/// `lore bench`. An option left out keeps the stored (or default) value; a change rebuilds.
struct SchemaOptions: ParsableArguments {
    @Option(help: "Hash terms into 2^N dimensions, at most 31 (default 31).")
    var dimensionBits: Int?

    @Option(help: "A heading term counts this many times a body term (default 2).")
    var titleBoost: Float?

    @Option(help: "BM25 term-frequency saturation k1 (default 1.2).")
    var k1: Float?

    @Option(help: "BM25 length normalization b (default 0.75).")
    var b: Float?

    @Option(help: "Rank of the latent (LSA) layer; 0 turns it off (default 200).")
    var latentDims: Int?

    @Option(help: "Power iterations of the latent layer's randomized SVD (default 1).")
    var latentPowerIterations: Int?

    @Option(help: "Fit the latent basis on at most N passages, evenly spaced (default 20000).")
    var latentFitSample: Int?

    @Option(help: "Signed hashing (bit 31 of a term's hash gives its sign): true or false (default true).")
    var signedHash: Bool?

    func validate() throws {
        var c = IndexConfig()
        apply(to: &c)
        do { try c.validate() } catch { throw ValidationError("\(error)") }
    }

    func apply(to c: inout IndexConfig) {
        if let v = dimensionBits { c.dimensionBits = v }
        if let v = titleBoost { c.titleBoost = v }
        if let v = k1 { c.weighting.k1 = v }
        if let v = b { c.weighting.b = v }
        if let v = latentDims { c.latent.dimensions = v }
        if let v = latentPowerIterations { c.latent.powerIterations = v }
        if let v = latentFitSample { c.latent.fitSample = v }
        if let v = signedHash { c.signedHash = v }
    }
}

/// What a question chooses (`QueryOptions`), shared by `lore ask` and `lore eval`: never stored,
/// never a rebuild.
struct SearchOptions: ParsableArguments {
    @Option(help: "Largest weight of the latent score in the fused score; 0 turns the layer off (default 1: the weight is r² itself).")
    var latentWeight: Float?

    @Option(help: "Weight of WordNet's related words for question words no note holds; 0 turns it off (default 1: a synonym counts as the word).")
    var relatedWeight: Float?

    @Option(help: "Weight of term proximity (question words found together); 0 turns it off (default 1).")
    var proximityWeight: Float?

    @Option(help: "Proximity rescores the best N passages, at least k (default 30).")
    var proximityDepth: Int?

    @Option(help: "The latent layer rescores the best N lexical matches (default 1000).")
    var candidates: Int?

    @Option(help: "Rocchio feedback from the top N results; 0 turns it off (default 3).")
    var feedbackDocs: Int?

    @Option(help: "Largest Rocchio weight of the feedback passages' mean (default 1).")
    var feedbackBeta: Float?

    @Option(help: "Rocchio: keep at most N added terms, the heaviest; 0 keeps all (default 100).")
    var feedbackTerms: Int?

    var options: QueryOptions {
        var o = QueryOptions()
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

    func validate() throws {
        do { try options.validate() } catch { throw ValidationError("\(error)") }
    }
}
