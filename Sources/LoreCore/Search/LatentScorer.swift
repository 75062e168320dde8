import CBLAS

/// Scores passages with the latent layer: the cosine of a question's latent vector with the
/// stored vectors of chosen passages, read from the index's segments.
struct LatentScorer {
    let index: CorpusIndex
    let model: LatentModel

    /// The cosine of `q` (unit length) with the vector of each slot in `slots` (increasing): the
    /// vectors are gathered into one matrix and scored with one `cblas_sgemv`.
    func cosines(_ slots: [Int], query q: [Float]) throws -> [Float] {
        guard !slots.isEmpty else { return [] }
        let rank = model.rank
        var gathered = [Float](repeating: 0, count: slots.count * rank)
        try gathered.withUnsafeMutableBufferPointer { g in
            for (r, p) in slots.enumerated() {
                let (segment, i) = index.locate(p)
                try segment.vector(i, into: g.baseAddress! + r * rank)
            }
        }
        var dots = [Float](repeating: 0, count: slots.count)
        BLASThreads.narrow()
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(slots.count), Int32(rank), 1, gathered, Int32(rank), q, 1, 0, &dots, 1)
        return dots
    }
}
