import Dispatch
import Fitting

/// Per target, after the last step of a variant: its paths' reach times and values at the
/// deadline, gathered from the batches in path order and sorted, turned into the target's
/// feasibility (``TargetFeasibilityAnalysis``). Targets are independent, so `jobs` workers
/// take them round-robin; each result depends only on its own target's paths.
enum TargetReachSummary {
    static func feasibility(request: ForecastRequest, series: AdoptionSeries, simulator: PathSimulator,
                            batches: [PathBatch], variant: String, jobs: Int) -> [TargetFeasibility] {
        let paths = request.paths
        let slots = request.targets.map { _ in Slot() }
        let workers = max(1, min(jobs, request.targets.count))
        DispatchQueue.concurrentPerform(iterations: request.targets.isEmpty ? 0 : workers) { worker in
            var sorter = RadixSort()
            var j = worker
            while j < request.targets.count {
                var reach = [Double](repeating: .infinity, count: paths)
                var atDeadline: [Double] = []
                let inForecast = simulator.targets[j].deadline != nil
                if inForecast { atDeadline = [Double](repeating: 0, count: paths) }
                for batch in batches {
                    let times = batch.reachTimes, values = batch.deadlineValues, start = batch.start, count = batch.count
                    for i in 0..<count {
                        reach[start + i] = times[j * count + i]
                        if inForecast { atDeadline[start + i] = values[j * count + i] }
                    }
                }
                sorter.sort(&reach)
                sorter.sort(&atDeadline)
                slots[j].feasibility = TargetFeasibilityAnalysis.feasibility(
                    request.targets[j], variant: variant, series: series, referenceTime: simulator.referenceTime,
                    deadlineValues: atDeadline, reachTimes: reach, paths: paths, thresholds: request.thresholds,
                    flowPeriod: simulator.flows.period)
                if let level = request.reachQuantileLevel {
                    slots[j].feasibility!.dateReachedAtLevel = TargetFeasibilityAnalysis.dateReached(
                        request.targets[j], level: level, series: series, reachTimes: reach, paths: paths,
                        flowPeriod: simulator.flows.period)
                }
                j += workers
            }
        }
        return slots.map { $0.feasibility! }
    }

    /// One target's result. @unchecked Sendable: each slot is written by one worker only,
    /// and read after all have finished.
    private final class Slot: @unchecked Sendable {
        var feasibility: TargetFeasibility?
    }
}
