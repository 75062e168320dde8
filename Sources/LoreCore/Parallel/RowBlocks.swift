import CBLAS

/// Dense products of a tall row-major matrix (many rows, a few hundred columns), its rows cut
/// into one block per core (`Parallel.chunks`): each block is one single-threaded BLAS call made by one of Lore's
/// workers, so that these products fill the cores the way every other parallel loop does (see
/// `BLASThreads`). A block has at least `minimumRows` rows (`minimumVectorRows` for a
/// matrix-vector product); a smaller matrix is one call.
enum RowBlocks {
    static let minimumRows = 1024
    /// A matrix-vector product does a few operations a byte: a block must be long enough to pay
    /// for waking a worker (at 10k passages of 200 floats, the bench's dense scan took 0.118 ms on
    /// one core and 0.137 ms on two).
    static let minimumVectorRows = 8 * minimumRows

    /// Mᵀ·M (columns × columns, row-major, the triangle `uplo` filled) of a rows × columns M: the
    /// Gram matrix of each block (`cblas_ssyrk`), summed in block order.
    static func gram(_ m: [Float], rows: Int, columns: Int, uplo: CBLAS_UPLO) -> [Float] {
        let size = columns * columns
        let workers = max(1, min(Parallel.cores, rows / minimumRows))
        var partials = [Float](repeating: 0, count: workers * size)
        m.withUnsafeBufferPointer { mp in
            partials.withUnsafeMutableBufferPointer { out in
                let shared = UncheckedSendable((mp, out))
                Parallel.run(workers) { w in
                    let (mp, out) = shared.value
                    let lo = w * rows / workers, hi = (w + 1) * rows / workers
                    cblas_ssyrk(CblasRowMajor, uplo, CblasTrans, Int32(columns), Int32(hi - lo), 1,
                                mp.baseAddress! + lo * columns, Int32(columns), 0, out.baseAddress! + w * size, Int32(columns))
                }
            }
        }
        var sum = Array(partials[0..<size])
        for w in 1..<workers {
            for i in 0..<size { sum[i] += partials[w * size + i] }
        }
        return sum
    }

    /// M ← M·R⁻¹ for a rows × columns M and an upper triangular columns × columns R (row-major):
    /// each block's rows solved by one `cblas_strsm`.
    static func solveUpper(_ m: inout [Float], rows: Int, columns: Int, r: [Float]) {
        r.withUnsafeBufferPointer { rp in
            m.withUnsafeMutableBufferPointer { mp in
                let shared = UncheckedSendable((rp, mp))
                Parallel.chunks(rows, minimum: minimumRows) { block in
                    let (rp, mp) = shared.value
                    cblas_strsm(CblasRowMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, Int32(block.count), Int32(columns), 1,
                                rp.baseAddress!, Int32(columns), mp.baseAddress! + block.lowerBound * columns, Int32(columns))
                }
            }
        }
    }

    /// A·B (rows × columns) for a rows × inner A and an inner × columns B (row-major): each
    /// block's rows by one `cblas_sgemm`.
    static func multiply(_ a: [Float], rows: Int, inner: Int, _ b: [Float], columns: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * columns)
        out.withUnsafeMutableBufferPointer { multiply(a, rows: rows, inner: inner, b, columns: columns, into: $0) }
        return out
    }

    /// A·B, as `multiply`, written into `out` (rows × columns).
    static func multiply(_ a: [Float], rows: Int, inner: Int, _ b: [Float], columns: Int, into out: UnsafeMutableBufferPointer<Float>) {
        byRowBlocks(a, b, rows: rows, width: columns, minimum: minimumRows, into: out) { block, a, b, out in
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(block.count), Int32(columns), Int32(inner), 1,
                        a + block.lowerBound * inner, Int32(inner), b, Int32(columns), 0,
                        out + block.lowerBound * columns, Int32(columns))
        }
    }

    /// A·x (rows) for a rows × columns A (row-major): each block's rows by one `cblas_sgemv`.
    static func multiply(_ a: [Float], rows: Int, columns: Int, vector x: [Float]) -> [Float] {
        var out = [Float](repeating: 0, count: rows)
        out.withUnsafeMutableBufferPointer { out in
            byRowBlocks(a, x, rows: rows, width: 1, minimum: minimumVectorRows, into: out) { block, a, x, out in
                cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(block.count), Int32(columns), 1,
                            a + block.lowerBound * columns, Int32(columns), x, 1, 0, out + block.lowerBound, 1)
            }
        }
        return out
    }

    /// Fills `out`, rows × width, in blocks of rows (at least `minimum` each, one per core), each
    /// by `product(block, A, B, output)` on Lore's workers; the pointers are valid only during
    /// the call.
    private static func byRowBlocks(
        _ a: [Float], _ b: [Float], rows: Int, width: Int, minimum: Int, into out: UnsafeMutableBufferPointer<Float>,
        _ product: (Range<Int>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
    ) {
        precondition(out.count == rows * width)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                let shared = UncheckedSendable((ap, bp, out))
                Parallel.chunks(rows, minimum: minimum) { block in
                    let (ap, bp, op) = shared.value
                    product(block, ap.baseAddress!, bp.baseAddress!, op.baseAddress!)
                }
            }
        }
    }
}
