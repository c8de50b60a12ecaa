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
    /// order), read where they are: no gathered copy.
    mutating func add(_ pieces: [[Double]]) {
        var sum = 0.0
        for values in pieces { for v in values { sum += v } }
        for k in 0..<cdfValues.count {
            let c = cdfValues[k]
            var below = 0
            for values in pieces { for v in values where v <= c { below += 1 } }
            atMost[k] = below
        }
        let selected = selector.select(pieces, count: paths, ranks: ranks)
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
