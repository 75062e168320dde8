import CBLAS
import CLAPACK
import Foundation

/// The latent semantic layer (LSA): a rank-k basis of the weighted passage vectors, found by a
/// seeded randomized SVD (BLAS products, LAPACK QR and a symmetric eigensolver on the small
/// matrix), and every passage projected onto it as a dense, unit-length k-vector.
///
/// A query is projected the same way (its sparse weights times the basis) and scored against all
/// passages with one `cblas_sgemv` (or `cblas_sgemm` for a batch). Passages sharing no word with
/// the query can still score, through terms that co-occur across the collection.
public struct LatentModel: Sendable {
    public let rank: Int
    /// The hashed dimensions the fitted passages use, in the order of `basis`'s rows.
    public let features: [UInt32]
    /// Each of `features`' row.
    let featureRow: FeatureIndex
    /// Right singular vectors, row-major (used features × rank): in memory after a fit, the
    /// mapped section of an opened index (opening copies nothing).
    let basis: Column<Float>
    /// For an opened index, each basis row's checksum, checked the first time the row is read
    /// (a question reads the rows of its own terms only); nil after a fit.
    let rowChecks: RowChecks?
    /// Passages added, edited or removed since the basis was fitted. Up to `exactRefitBelow`
    /// passages, or once this exceeds `refitAfterChange` of the index, a refresh is a full build
    /// (the basis is fitted again); otherwise the basis is kept: unchanged passages keep their
    /// vectors, new and edited ones are projected onto it (folded in).
    public let changedSinceFit: Int

    public init(rank: Int, features: [UInt32], basis: [Float], changedSinceFit: Int) {
        self.init(rank: rank, features: features, featureRow: FeatureIndex(features), basis: Column(basis), rowChecks: nil,
                  changedSinceFit: changedSinceFit)
    }

    init(rank: Int, features: [UInt32], featureRow: FeatureIndex, basis: Column<Float>, rowChecks: RowChecks?, changedSinceFit: Int) {
        self.rank = rank
        self.features = features
        self.featureRow = featureRow
        self.basis = basis
        self.rowChecks = rowChecks
        self.changedSinceFit = changedSinceFit
    }

    /// The basis as an array (for tests).
    var basisArray: [Float] { basis.array }

    /// The checksum of basis row r's bytes, low 32 bits (what the index stores for each row).
    static func rowSum(_ basis: Column<Float>, row r: Int, rank: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: checksum64(UnsafeRawBufferPointer(start: basis.buffer.baseAddress! + r * rank, count: rank * 4)))
    }

    /// Every row's checksum, in row order (written beside the basis).
    var rowSums: [UInt32] { (0..<features.count).map { Self.rowSum(basis, row: $0, rank: rank) } }

    /// The basis rows' checksums and which were checked already (`CheckedFlags`, as a
    /// segment's passages, postings and vectors are).
    final class RowChecks: Sendable {
        let path: String
        let sums: Column<UInt32>
        private let checked: CheckedFlags

        init(path: String, sums: Column<UInt32>) {
            self.path = path
            self.sums = sums
            checked = CheckedFlags(count: sums.count)
        }

        /// Throws `indexDamaged` when row r of `basis` is not the row that was written.
        func check(_ r: Int, _ basis: Column<Float>, rank: Int) throws {
            guard !checked.isSet(r) else { return }
            guard LatentModel.rowSum(basis, row: r, rank: rank) == sums[r] else {
                throw LoreError.indexDamaged(file: path, problem: "latent basis row \(r) checksum")
            }
            checked.set(r)
        }
    }

    /// Checks every row (before the whole basis is read, as a refresh folding passages in does).
    func checkAllRows() throws {
        guard let rowChecks else { return }
        for r in 0..<features.count { try rowChecks.check(r, basis, rank: rank) }
    }

    /// Fits the basis on weighted passage rows (a sample of the collection). Returns nil when
    /// the sample is too small for a basis.
    public init?(fittedOn sample: SparseRows, config: IndexConfig.Latent) {
        guard let (features, basis, k) = Self.fit(sample, config: config) else { return nil }
        self.init(rank: k, features: features, featureRow: FeatureIndex(features), basis: basis, rowChecks: nil, changedSinceFit: 0)
    }

    /// The same basis with another count of changes since the fit.
    func with(changedSinceFit: Int) -> LatentModel {
        LatentModel(rank: rank, features: features, featureRow: featureRow, basis: basis, rowChecks: rowChecks,
                    changedSinceFit: changedSinceFit)
    }

    /// Weighted rows projected onto the basis (features the basis lacks are dropped), unit
    /// length (passages × rank, row-major). Reads every row: an opened basis is checked whole first.
    func project(_ rows: SparseRows) throws -> [Float] {
        try checkAllRows()
        let columns = Self.columns(of: rows, featureRow)
        var out = Self.multiply(FeatureColumns(rows, columns: columns, count: features.count), rows: rows.count,
                                basis.buffer, width: rank)
        Self.normalizeRows(&out, width: rank)
        return out
    }

    /// The randomized SVD of the sample: (features in row order, basis, rank), or nil when too small.
    /// Its products, sparse and dense (`RowBlocks`), are spread over the cores by Lore's workers.
    static func fit(_ rows: SparseRows, config: IndexConfig.Latent) -> ([UInt32], Column<Float>, Int)? {
        let n = rows.count
        // Compact the used dimensions into columns, the most frequent first: the rows that most
        // products touch then sit together and stay in cache.
        var counter = FeatureCounter(capacity: 1 << 12)
        for f in rows.indices { counter.add(f) }
        // A feature of one fitted passage co-occurs with nothing else in the sample: the basis
        // learns nothing about it, so it gets no row (most distinct terms are that rare).
        let order = counter.sorted().filter { $0.count >= 2 }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.feature < $1.feature }.map(\.feature)
        let used = order.count
        let featureRow = FeatureIndex(order)
        let k = min(config.dimensions, n - 1, used - 1)
        guard k >= 1 else { return nil }
        let l = min(k + 10, n, used)
        let columns = Self.columns(of: rows, featureRow)
        let byFeature = FeatureColumns(rows, columns: columns, count: used)

        // Y = A·Ω with Ω a sparse sign sketch (used × l: each feature has ±1 in 8 random columns),
        // so the first product costs 8 additions per nonzero instead of l. Then power iterations
        // Y = A·Aᵀ·orth(Y). Only the passage side (n × l, n ≤ fitSample) is orthonormalized: the
        // feature side can be 65k rows, where a QR per iteration would cost more than everything
        // else together.
        var y = sketch(rows, columns, features: used, width: l, seed: config.seed)
        for _ in 0..<config.powerIterations {
            orthonormalize(&y, rows: n, columns: l)
            let z = multiplyTransposed(byFeature, y, width: l)
            y = multiply(byFeature, rows: n, z, width: l)
        }
        orthonormalize(&y, rows: n, columns: l)
        // Bᵀ = Aᵀ·Q (used × l); B·Bᵀ = (Bᵀ)ᵀ·Bᵀ (l × l) has B's left singular vectors.
        let bt = multiplyTransposed(byFeature, y, width: l)
        // Row-major lower triangle = the column-major upper one that topEigen reads.
        let gram = RowBlocks.gram(bt, rows: used, columns: l, uplo: CblasLower)
        guard let (values, vectors) = topEigen(gram, size: l, count: k) else { return nil }
        // V_k = Bᵀ·W·Σ⁻¹ (used × k): the right singular vectors.
        var w = vectors  // row-major l × k
        for j in 0..<k {
            let sigma = values[j].squareRoot()
            let inv: Float = sigma > 0 ? 1 / sigma : 0
            for i in 0..<l { w[i * k + j] *= inv }
        }
        // Written in place: the basis is the fit's largest output (used × k floats).
        let basis = Column<Float>(repeating: 0, count: used * k) { out in
            RowBlocks.multiply(bt, rows: used, inner: l, w, columns: k, into: out)
        }
        return (order, basis, k)
    }

    /// The unit-length latent vector of a weighted sparse query (zero when no term is known).
    public func project(_ query: SparseVector) throws -> [Float] {
        var out = [Float](repeating: 0, count: rank)
        for (f, v) in zip(query.indices, query.values) {
            guard let r = featureRow.position(f) else { continue }
            try rowChecks?.check(r, basis, rank: rank)
            cblas_saxpy(Int32(rank), v, basis.buffer.baseAddress! + r * rank, 1, &out, 1)
        }
        Self.normalizeRows(&out, width: rank)
        return out
    }

    // MARK: - Linear algebra helpers

    /// Each nonzero's column: the place of its feature in `featureRow` (-1 when absent), looked
    /// up on all cores.
    static func columns(of rows: SparseRows, _ featureRow: FeatureIndex) -> [Int] {
        var out = [Int](repeating: -1, count: rows.nonzeros)
        out.withUnsafeMutableBufferPointer { op in
            let shared = UncheckedSendable(op)
            Parallel.chunks(rows.nonzeros, minimum: 1 << 16) { range in
                for j in range { shared.value[j] = featureRow.position(rows.indices[j]) ?? -1 }
            }
        }
        return out
    }

    /// Bytes of output rows that `multiply` fills per block of passages: half of a core's share
    /// of the last-level cache, and at least half its L2 (256 KiB when the system says neither).
    /// A row of M read for a block serves every passage of the block that holds its feature, so
    /// the larger the block, the fewer times M is read; M (a row per feature, 800 bytes at rank
    /// 200) is far larger than any cache. On this machine (1 MiB of L2 a core, 32 MiB of L3 for
    /// 2 cores: 8 MiB blocks), projecting the 100k passages of `lore bench` took 404-505 ms in
    /// 4 and 8 MiB blocks against 611-680 ms in 512 KiB ones, and the fit on 10k passages 279-302
    /// ms against 303-322 (three runs each, alternated). Before, 512 KiB blocks had beaten 256 KiB
    /// ones (343 against 420 ms).
    static let blockBytes: Int = {
        let l2 = sysconf(Int32(_SC_LEVEL2_CACHE_SIZE)), l3 = sysconf(Int32(_SC_LEVEL3_CACHE_SIZE))
        let share = l3 > 0 ? l3 / Parallel.cores / 2 : 0
        return max(l2 >= 128 << 10 ? l2 / 2 : 256 << 10, share)
    }()

    /// Entries of the sparse sign sketch per feature.
    static let sketchSpread = 8

    /// A·Ω for the sparse sign sketch Ω (used × width; entries whose column is negative are left
    /// out): each feature adds ±its weight to
    /// `sketchSpread` random columns (drawn from `seed`; a column may repeat). On Cranfield it
    /// ranks as well as a dense ±1 Ω over six seeds (benchmarks/quality.md) at a fraction of the cost.
    static func sketch(_ a: SparseRows, _ columns: [Int], features used: Int, width: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        // Column in the low bits, sign in bit 31.
        let draws = (0..<(used * sketchSpread)).map { _ -> UInt32 in
            let bits = rng.next()
            return UInt32((bits >> 1) % UInt64(width)) | UInt32(bits & 1) << 31
        }
        var out = [Float](repeating: 0, count: a.count * width)
        out.withUnsafeMutableBufferPointer { op in
            Parallel.chunks(a.count, minimum: 1024) { range in
                for i in range {
                    let o = op.baseAddress! + i * width
                    for j in a.offsets[i]..<a.offsets[i + 1] where columns[j] >= 0 {
                        let v = a.values[j]
                        for t in 0..<sketchSpread {
                            let code = draws[columns[j] * sketchSpread + t]
                            o[Int(code & 0x7FFF_FFFF)] += code >> 31 == 0 ? v : -v
                        }
                    }
                }
            }
        }
        return out
    }

    /// (sparse A, n × used, by column) · (dense M, used × width, row-major) → n × width, row-major.
    /// The passages go in blocks whose output rows stay in cache (`blockBytes`), at least one
    /// block a core; inside a block the features go in order, so M is read front to back and each
    /// of its rows once per block, instead of one random row of M per nonzero. The cores take
    /// contiguous runs of blocks.
    static func multiply(_ a: FeatureColumns, rows n: Int, _ m: [Float], width: Int) -> [Float] {
        m.withUnsafeBufferPointer { multiply(a, rows: n, $0, width: width) }
    }

    static func multiply(_ a: FeatureColumns, rows n: Int, _ mp: UnsafeBufferPointer<Float>, width: Int) -> [Float] {
        var out = [Float](repeating: 0, count: n * width)
        let block = max(64, min(blockBytes / (width * 4), (n + Parallel.cores - 1) / Parallel.cores))
        let blocks = (n + block - 1) / block
        let workers = max(1, min(Parallel.cores, blocks))
        out.withUnsafeMutableBufferPointer { op in
            Parallel.run(workers) { w in
                let first = w * blocks / workers, last = (w + 1) * blocks / workers
                // cursor[f]: column f's first entry at or after the worker's first passage.
                var cursor = [Int](repeating: 0, count: a.count)
                let start = Int32(first * block)
                for f in 0..<a.count {
                    var lo = a.starts[f], hi = a.starts[f + 1]
                    while lo < hi {
                        let mid = (lo + hi) / 2
                        if a.rows[mid] < start { lo = mid + 1 } else { hi = mid }
                    }
                    cursor[f] = lo
                }
                for b in first..<last {
                    let end = Int32(min((b + 1) * block, n))
                    for f in 0..<a.count {
                        var j = cursor[f]
                        let stop = a.starts[f + 1]
                        guard j < stop, a.rows[j] < end else { continue }
                        let row = mp.baseAddress! + f * width
                        repeat {
                            cblas_saxpy(Int32(width), a.values[j], row, 1, op.baseAddress! + Int(a.rows[j]) * width, 1)
                            j += 1
                        } while j < stop && a.rows[j] < end
                        cursor[f] = j
                    }
                }
            }
        }
        return out
    }

    /// Aᵀ (used × n) · (dense M, n × width, row-major) → used × width, row-major. Each output row
    /// is summed from the M rows of its feature's passages (A by column): writes stay in one row,
    /// reads fall in M, which is the small side (the sample). Features are split between the cores
    /// in parts of equal nonzeros.
    static func multiplyTransposed(_ a: FeatureColumns, _ m: [Float], width: Int) -> [Float] {
        let used = a.count
        var out = [Float](repeating: 0, count: used * width)
        let parts = max(1, min(64, a.nonzeros / 4096))
        // Part t covers the features whose first entry falls in its share of the nonzeros.
        let bounds: [Int] = {
            var bounds = [0], f = 0
            for t in 1..<parts {
                while f < used && a.starts[f] < t * a.nonzeros / parts { f += 1 }
                bounds.append(f)
            }
            return bounds + [used]
        }()
        m.withUnsafeBufferPointer { mp in
            out.withUnsafeMutableBufferPointer { op in
                // Each worker takes every `workers`-th part (parts hold equal nonzeros).
                let workers = min(Parallel.cores, parts)
                Parallel.run(workers) { w in
                    for t in stride(from: w, to: parts, by: workers) {
                        for f in bounds[t]..<bounds[t + 1] {
                            let o = op.baseAddress! + f * width
                            for j in a.starts[f]..<a.starts[f + 1] {
                                cblas_saxpy(Int32(width), a.values[j], mp.baseAddress! + Int(a.rows[j]) * width, 1, o, 1)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Replaces the columns of a row-major rows × columns matrix by an orthonormal basis of their
    /// span. CholeskyQR2 (Gram matrix, Cholesky, triangular solve; twice) keeps the work in BLAS-3,
    /// where Householder QR on a tall matrix spends its time in matrix-vector products; when the
    /// Gram matrix is not positive definite, LAPACK's Householder QR takes over.
    static func orthonormalize(_ m: inout [Float], rows: Int, columns: Int) {
        if choleskyQR(&m, rows: rows, columns: columns), choleskyQR(&m, rows: rows, columns: columns) { return }
        householderQR(&m, rows: rows, columns: columns)
    }

    /// One pass of Cholesky QR: M ← M·R⁻¹ with RᵀR = MᵀM. False when MᵀM is not positive definite.
    static func choleskyQR(_ m: inout [Float], rows: Int, columns: Int) -> Bool {
        var gram = RowBlocks.gram(m, rows: rows, columns: columns, uplo: CblasUpper)
        // Row-major upper = column-major lower: ask LAPACK for L with L·Lᵀ = G, i.e. R = Lᵀ.
        var uplo: CChar = 76 /* L */, n = Int32(columns), lda = Int32(columns), info: Int32 = 0
        spotrf_(&uplo, &n, &gram, &lda, &info)
        guard info == 0 else { return false }
        // gram now holds R in its row-major upper triangle: solve M·R = M_old for M.
        RowBlocks.solveUpper(&m, rows: rows, columns: columns, r: gram)
        return m.allSatisfy { $0.isFinite }
    }

    /// Householder QR (LAPACK sgeqrf + sorgqr; a row-major matrix is its transpose in column-major order).
    static func householderQR(_ m: inout [Float], rows: Int, columns: Int) {
        var colMajor = [Float](repeating: 0, count: rows * columns)
        for i in 0..<rows { for j in 0..<columns { colMajor[j * rows + i] = m[i * columns + j] } }
        var mm = Int32(rows), nn = Int32(columns), lda = Int32(rows), info: Int32 = 0
        var tau = [Float](repeating: 0, count: columns)
        var query: Float = 0, lwork: Int32 = -1
        sgeqrf_(&mm, &nn, &colMajor, &lda, &tau, &query, &lwork, &info)
        lwork = Int32(query)
        var work = [Float](repeating: 0, count: max(Int(lwork), 1))
        sgeqrf_(&mm, &nn, &colMajor, &lda, &tau, &work, &lwork, &info)
        var kk = Int32(columns)
        lwork = -1
        sorgqr_(&mm, &nn, &kk, &colMajor, &lda, &tau, &query, &lwork, &info)
        lwork = Int32(query)
        work = [Float](repeating: 0, count: max(Int(lwork), 1))
        sorgqr_(&mm, &nn, &kk, &colMajor, &lda, &tau, &work, &lwork, &info)
        for i in 0..<rows { for j in 0..<columns { m[i * columns + j] = colMajor[j * rows + i] } }
    }

    /// The `count` largest eigenvalues (descending) of a symmetric size × size matrix and their
    /// eigenvectors as a row-major size × count matrix (LAPACK ssyevr).
    static func topEigen(_ matrix: [Float], size: Int, count: Int) -> ([Float], [Float])? {
        var a = matrix  // symmetric: row- and column-major agree
        var jobz: CChar = 86 /* V */, range: CChar = 73 /* I */, uplo: CChar = 85 /* U */
        var n = Int32(size), lda = Int32(size), vl: Float = 0, vu: Float = 0
        var il = Int32(size - count + 1), iu = Int32(size), abstol: Float = 0
        var found: Int32 = 0, ldz = Int32(size), info: Int32 = 0
        var w = [Float](repeating: 0, count: size)
        var z = [Float](repeating: 0, count: size * count)
        var isuppz = [Int32](repeating: 0, count: 2 * count)
        var workQuery: Float = 0, iworkQuery: Int32 = 0, lwork: Int32 = -1, liwork: Int32 = -1
        ssyevr_(&jobz, &range, &uplo, &n, &a, &lda, &vl, &vu, &il, &iu, &abstol, &found, &w, &z, &ldz,
                &isuppz, &workQuery, &lwork, &iworkQuery, &liwork, &info)
        lwork = Int32(workQuery)
        liwork = iworkQuery
        var work = [Float](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        ssyevr_(&jobz, &range, &uplo, &n, &a, &lda, &vl, &vu, &il, &iu, &abstol, &found, &w, &z, &ldz,
                &isuppz, &work, &lwork, &iwork, &liwork, &info)
        guard info == 0, Int(found) == count else { return nil }
        // Ascending → descending; z is column-major size × count.
        var values = [Float](repeating: 0, count: count)
        var vectors = [Float](repeating: 0, count: size * count)
        for j in 0..<count {
            let src = count - 1 - j
            values[j] = max(w[src], 0)
            // Fix the sign so that builds are reproducible: the largest-magnitude entry is positive.
            var big: Float = 0
            for i in 0..<size where abs(z[src * size + i]) > abs(big) { big = z[src * size + i] }
            let sign: Float = big < 0 ? -1 : 1
            for i in 0..<size { vectors[i * count + j] = sign * z[src * size + i] }
        }
        return (values, vectors)
    }

    static func normalizeRows(_ m: inout [Float], width: Int) {
        guard width > 0 else { return }
        m.withUnsafeMutableBufferPointer { p in
            for r in 0..<(p.count / width) {
                let row = p.baseAddress! + r * width
                let norm = cblas_snrm2(Int32(width), row, 1)
                if norm > 0 { cblas_sscal(Int32(width), 1 / norm, row, 1) }
            }
        }
    }
}

/// A sparse matrix by column (compressed sparse columns): column f holds entries
/// `starts[f]..<starts[f + 1]` of `rows` and `values`, rows in increasing order.
struct FeatureColumns {
    let starts: [Int]
    let rows: [Int32]
    let values: [Float]

    /// The columns of `a`, whose entry j lies in column `columns[j]` of `count` (left out when negative).
    /// The rows are cut into one run per core: each run counts its entries per column, and then
    /// writes them after those of the runs before it, so every column's rows stay in order.
    init(_ a: SparseRows, columns: [Int], count: Int) {
        let parts = max(1, min(Parallel.cores, a.nonzeros >> 16))
        let first = (0...parts).map { $0 * a.count / parts }  // run p: rows first[p]..<first[p + 1]
        // Run p's row of perPart first counts its entries of column c at c + 1; the pass that sums
        // the counts then puts at c the place of run p's first entry of column c.
        var perPart = [Int](repeating: 0, count: parts * (count + 1))
        perPart.withUnsafeMutableBufferPointer { pp in
            let shared = UncheckedSendable(pp)
            Parallel.run(parts) { p in
                let own = shared.value.baseAddress! + p * (count + 1)
                for j in a.offsets[first[p]]..<a.offsets[first[p + 1]] where columns[j] >= 0 { own[columns[j] + 1] += 1 }
            }
        }
        var starts = [Int](repeating: 0, count: count + 1)
        for c in 0..<count {
            var at = starts[c]
            for p in 0..<parts {
                let n = perPart[p * (count + 1) + c + 1]
                perPart[p * (count + 1) + c] = at
                at += n
            }
            starts[c + 1] = at
        }
        var rows = [Int32](repeating: 0, count: starts[count])
        var values = [Float](repeating: 0, count: starts[count])
        perPart.withUnsafeMutableBufferPointer { pp in
            rows.withUnsafeMutableBufferPointer { rp in
                values.withUnsafeMutableBufferPointer { vp in
                    let shared = UncheckedSendable((pp, rp, vp))
                    Parallel.run(parts) { p in
                        let (pp, rp, vp) = shared.value
                        let next = pp.baseAddress! + p * (count + 1)
                        for i in first[p]..<first[p + 1] {
                            for j in a.offsets[i]..<a.offsets[i + 1] {
                                let c = columns[j]
                                guard c >= 0 else { continue }
                                rp[next[c]] = Int32(i)
                                vp[next[c]] = a.values[j]
                                next[c] += 1
                            }
                        }
                    }
                }
            }
        }
        self.starts = starts
        self.rows = rows
        self.values = values
    }

    var count: Int { starts.count - 1 }
    var nonzeros: Int { rows.count }
}

/// A small seeded generator (SplitMix64) so randomized builds are reproducible.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal sample (Box–Muller).
    mutating func nextGaussian() -> Float {
        let u1 = (Double(next() >> 11) + 0.5) / Double(1 << 53)
        let u2 = Double(next() >> 11) / Double(1 << 53)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}
