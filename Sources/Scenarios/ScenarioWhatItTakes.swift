import Fitting
import Forecasting

/// "What would it take?" for a loaded scenario (issue 12): the lever seek, the sensitivity
/// tornado and P(met) per family, each over the scenario's forecast request with its seed
/// and paths (common random numbers; ``LeverSeek``, ``SensitivityAnalysis``,
/// ``FamilyComparison``).
///
/// ```swift
/// let scenario = try ScenarioLoader.load(path: "Scenarios/phu-my-noncash-acceptance-points.yaml")
/// let rows = try scenario.leverSeek(SeekSettings(probability: 0.8), jobs: 2)
/// ```
///
/// Input problems — a target that is not the scenario's, `start` without a variant — are
/// ``ScenarioError``s at the file (bad input); a forecast that fails throws its own error.
public extension Scenario {
    /// The target indices `settings.target` names (every target when nil).
    func seekTargets(_ target: String?) throws -> [Int] {
        guard !targets.isEmpty else {
            throw ScenarioError(file: path, message: "the scenario has no targets to seek")
        }
        guard let target else { return Array(targets.indices) }
        guard let index = ScenarioTarget.index(of: target, in: targets) else {
            throw ScenarioError(file: path, message: "target '\(target)' is neither a target's label nor its number; "
                + "the targets are \(ScenarioTarget.listing(targets))")
        }
        return [index]
    }

    /// The smallest lever (the latest start) that lifts P(met) to `settings.probability`,
    /// per target sought.
    func leverSeek(_ settings: SeekSettings, jobs: Int = 1) throws -> [LeverSeekResult] {
        guard settings.probability > 0, settings.probability < 1 else {
            throw ScenarioError(file: path, message: "the probability to seek must be between 0 and 1 (exclusive), got \(settings.probability)")
        }
        let indices = try seekTargets(settings.target)
        if settings.lever == .start && variants.isEmpty {
            throw ScenarioError(file: path, message: "the start lever moves the first variant's `from` date, and the scenario has no variants")
        }
        return try LeverSeek.run(try forecastRequest(), targets: indices, lever: settings.lever,
                                 probability: settings.probability, startVariant: variants.first, jobs: jobs)
    }

    /// P(met) of every target as each input moves over its range.
    func sensitivity(jobs: Int = 1) throws -> SensitivityAnalysis {
        try SensitivityAnalysis.run(try forecastRequest(), jobs: jobs)
    }

    /// P(met) per fitted family at baseline, when `fitted` (this scenario's forecast) has two
    /// or more; nil otherwise.
    func familyComparison(fitted: ForecastResult, jobs: Int = 1) throws -> FamilyComparison? {
        guard fitted.fits.count >= 2 else { return nil }
        return try FamilyComparison.run(try forecastRequest(), fitted: fitted, jobs: jobs)
    }
}
