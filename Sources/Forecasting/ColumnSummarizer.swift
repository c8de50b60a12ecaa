import LinearAlgebra

/// The summary of one quantity over all paths at one grid point, computed as the paths
/// reach it (the streaming reduction of ``Forecaster``): the hub quantiles (by selection of
/// the order statistics they read — the same values as sorting, ``OrderStatistics``), the
/// mean (summed in path order) and the CDF at `cdfValues`. Its buffers are reused from one
/// grid point to the next, so the forecast never holds more than one column of paths.
struct ColumnSummarizer {
    let paths: Int
    let levels: [Double]
    /// The distinct values the CDF is evaluated at, ascending.
    let cdfValues: [Double]
    private let ranks: [Int]
    private let rankSlot: [Int: Int]
    private var selector = OrderStatistics()
    private var atMost: [Int]
    /// The sort keys of the current column (``OrderStatistics/key(_:)``), reused.
    private var keys: [UInt64] = []

    private(set) var quantiles: [[Double]] = []
    private(set) var mean: [Double] = []
    private(set) var cdf: [[Double]] = []

    init(paths: Int, levels: [Double] = hubQuantileLevels, cdfValues: [Double]) {
        self.paths = paths
        self.levels = levels
        self.cdfValues = Array(Set(cdfValues)).sorted()
        ranks = Array(Set(levels.flatMap { SampleQuantiles.ranks(count: paths, $0) })).sorted()
        rankSlot = Dictionary(uniqueKeysWithValues: ranks.enumerated().map { ($1, $0) })
        atMost = [Int](repeating: 0, count: self.cdfValues.count)
    }

    /// Summarises the next grid point from its values in pieces (the batches' arrays, in path
    /// order), read where they are (no gathered copy) and once: the same pass sums them (in
    /// path order), counts them against the CDF's values and writes the sort keys the
    /// selection of the order statistics works on.
    mutating func add(_ pieces: [[Double]]) {
        // The buffers leave self for the pass (two spans of self's properties would overlap).
        var keys = self.keys, atMost = self.atMost
        self.keys = []; self.atMost = []
        if keys.count <= paths { keys = [UInt64](repeating: 0, count: paths + 1) }   // + 1: the gather's spare slot
        var sum = 0.0
        let cdfValues = self.cdfValues, cdfCount = cdfValues.count
        // Smallest and largest value, four lanes at a time (no NaN reaches a summary).
        var smallest = SIMD4<Double>(repeating: .infinity), largest = -smallest
        var at = 0
        do {
            var span = keys.mutableSpan, below = atMost.mutableSpan
            for c in 0..<cdfCount { below[c] = 0 }
            for piece in pieces {
                let values = piece.span
                var i = 0
                while i + 4 <= values.count {
                    let v = values.lanes(at: i)
                    sum += v[0]; sum += v[1]; sum += v[2]; sum += v[3]   // in path order
                    for c in 0..<cdfCount {
                        let atOrBelow = SIMD4<Int64>().replacing(with: 1, where: v .<= SIMD4(repeating: cdfValues[c]))
                        below[c] &+= Int(truncatingIfNeeded: atOrBelow.wrappedSum())
                    }
                    // A compare and a blend (pointwiseMin/Max follow IEEE minNum's NaN rules lane by
                    // lane, which compiles to scalar code).
                    smallest.replace(with: v, where: v .< smallest)
                    largest.replace(with: v, where: v .> largest)
                    span.setLanes(OrderStatistics.keys(v), at: at)
                    at &+= 4
                    i &+= 4
                }
                while i < values.count {
                    let v = values[i]
                    sum += v
                    for c in 0..<cdfCount where v <= cdfValues[c] { below[c] &+= 1 }
                    smallest[0] = Swift.min(smallest[0], v)
                    largest[0] = Swift.max(largest[0], v)
                    span[at] = OrderStatistics.key(v)
                    at &+= 1
                    i &+= 1
                }
            }
        }
        // NaN would fall outside these bounds (a compare skips it) and its bucket outside the
        // histogram: the step loop never leaves one (it holds a non-finite value at the last
        // finite one), and this says so if that ever changes.
        precondition(!sum.isNaN, "a path value is NaN at a grid date; the step loop must hold non-finite values")
        let (lo, hi) = OrderStatistics.keyBounds(smallest: smallest.min(), largest: largest.max())
        precondition(at == paths, "the pieces hold \(at) values, not \(paths)")
        let selected = selector.select(keys: &keys, count: paths, range: (lo, hi), ranks: ranks)
        self.keys = keys
        self.atMost = atMost
        mean.append(sum / Double(paths))
        quantiles.append(levels.map { p in SampleQuantiles.quantile(count: paths, p) { selected[rankSlot[$0]!] } })
        cdf.append(atMost.map { Double($0) / Double(paths) })
    }

    var summary: SeriesSummary {
        let medianLevel = levels.firstIndex(of: 0.5)
        return SeriesSummary(levels: levels, quantiles: quantiles, mean: mean,
                             median: quantiles.map { q in medianLevel.map { q[$0] } ?? .nan },
                             cdfValues: cdfValues, cdf: cdf)
    }
}
