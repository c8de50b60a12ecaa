/// The per-grid-date summaries of one variant as the paths advance: the metric's own
/// quantiles, mean and CDF, a flow's running totals, and the first paths' values kept whole.
/// A date is added once all paths have reached it and then forgotten, so memory grows with
/// the paths, not the dates.
///
/// @unchecked Sendable: ``Forecaster`` runs one summary at a time (the simulation waits for
/// the previous one before it starts the next), so there is never concurrent access.
final class GridSummaries: @unchecked Sendable {
    private(set) var own: ColumnSummarizer
    private(set) var totals: ColumnSummarizer?
    /// samples[p]: the first paths' values at each date.
    private(set) var samples: [[Double]]

    init(own: ColumnSummarizer, totals: ColumnSummarizer?, samples: Int) {
        self.own = own
        self.totals = totals
        self.samples = [[Double]](repeating: [], count: samples)
    }

    /// One grid date: `values[b]` (and `totalValues[b]` for a flow) is batch b's column.
    func add(_ values: [[Double]], totals totalValues: [[Double]], batchSize: Int) {
        own.add(values)
        totals?.add(totalValues)
        for p in samples.indices { samples[p].append(values[p / batchSize][p % batchSize]) }
    }

    /// Frees the summarisers' buffers once their summaries have been read.
    func release() {
        own = ColumnSummarizer(paths: 0, cdfValues: [])
        totals = nil
    }
}
