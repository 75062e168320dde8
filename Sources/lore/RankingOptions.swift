import ArgumentParser
import LoreCore

/// Ranking settings shared by `lore ask` and `lore eval`. Each is stored in the index
/// configuration; an option left out keeps the stored (or default) value.
struct RankingOptions: ParsableArguments {
    @Option(help: "Hash terms into 2^N dimensions.")
    var dimensionBits: Int?

    @Option(help: "A heading term counts this many times a body term.")
    var titleBoost: Float?

    @Option(help: "BM25 saturation k1 inside the weights (0: sublinear tf 1+ln tf).")
    var k1: Float?

    @Option(help: "BM25 length normalization b (with --k1 > 0).")
    var b: Float?

    @Option(help: "Pivoted length normalization slope (1: plain cosine).")
    var pivot: Float?

    @Option(help: "Rank of the latent (LSA) layer (0: off).")
    var latentDims: Int?

    @Option(help: "Weight of the latent score in the fused score.")
    var latentWeight: Float?

    @Option(help: "Power iterations of the latent layer's randomized SVD.")
    var latentPowerIterations: Int?

    @Option(help: "Fit the latent basis on at most N passages (evenly spaced).")
    var latentFitSample: Int?

    @Option(help: "Latent layer rescores only the best N lexical candidates (0: scans every passage).")
    var latentCandidates: Int?

    @Option(help: "Rocchio feedback from the top N results (0: off).")
    var feedbackDocs: Int?

    @Option(help: "Rocchio weight of the feedback passages' mean.")
    var feedbackBeta: Float?

    @Option(help: "Rocchio: keep at most N added terms, the heaviest (0: all).")
    var feedbackTerms: Int?

    @Option(help: "Signed hashing (bit 31 of a term's hash gives its sign): true or false.")
    var signedHash: Bool?

    func validate() throws {
        if let d = dimensionBits, !(8...22).contains(d) { throw ValidationError("--dimension-bits must be 8 to 22") }
        if let d = latentDims, d < 0 { throw ValidationError("--latent-dims must be 0 or more") }
        if let w = latentWeight, !(0...1).contains(w) { throw ValidationError("--latent-weight must be in 0...1") }
        if let n = feedbackDocs, n < 0 { throw ValidationError("--feedback-docs must be 0 or more") }
        if let p = pivot, !(0...1).contains(p) { throw ValidationError("--pivot must be in 0...1") }
    }

    func apply(to c: inout IndexConfig) {
        if let v = dimensionBits { c.dimensionBits = v }
        if let v = titleBoost { c.titleBoost = v }
        if let v = k1 { c.weighting.k1 = v }
        if let v = b { c.weighting.b = v }
        if let v = pivot { c.weighting.pivotSlope = v }
        if let v = latentDims { c.latent.dimensions = v }
        if let v = latentWeight { c.latent.weight = v }
        if let v = latentPowerIterations { c.latent.powerIterations = v }
        if let v = latentFitSample { c.latent.fitSample = v }
        if let v = latentCandidates { c.latent.candidates = v }
        if let v = feedbackDocs { c.feedback.documents = v }
        if let v = feedbackBeta { c.feedback.beta = v }
        if let v = feedbackTerms { c.feedback.terms = v }
        if let v = signedHash { c.signedHash = v }
    }
}
