import Fitting

/// How much the answer depends on the family (DESIGN.md, "Model choice": "the report says
/// how much the answer depends on the family (P(met) per family)"): the baseline forecast
/// with each fitted family forced alone (`request.families = [f]`), same seed, paths and
/// targets (``CommonRandomNumberRuns``). One row per target × family, in the order of the
/// targets, then of the fits; `families.csv` and the family rows of `uptake sensitivity`.
///
/// ```swift
/// let result = try Forecaster.run(request)
/// let comparison = try FamilyComparison.run(request, fitted: result, jobs: 2)
/// for row in comparison.rows { print(row.target.label, row.family, row.weight, row.pMeet) }
/// ```
///
/// A forced family is fitted again alone — the same fit, as each family is fitted on its own —
/// and its paths are the request's paths, all of them following that family; so P(met) of
/// family f is not the share of met paths among those the mixture gave to f (a smaller,
/// different sample), but its own estimate with the full number of paths.
public struct FamilyComparison: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var target: ForecastTarget
        public var family: CurveFamily
        /// The family's weight in the ensemble.
        public var weight: Double
        public var pMeet: Double
        public var pMeetStandardError: Double

        public init(target: ForecastTarget, family: CurveFamily, weight: Double, pMeet: Double, pMeetStandardError: Double) {
            self.target = target; self.family = family; self.weight = weight; self.pMeet = pMeet
            self.pMeetStandardError = pMeetStandardError
        }
    }

    public var rows: [Row]

    public init(rows: [Row]) { self.rows = rows }

    /// Each family of `fitted` (the ensemble's forecast of `request`) forced alone.
    public static func run(_ request: ForecastRequest, fitted: ForecastResult, jobs: Int = 1) throws -> FamilyComparison {
        let runs = CommonRandomNumberRuns(request, jobs: jobs)
        var perFamily: [[TargetFeasibility]] = []
        for fit in fitted.fits {
            perFamily.append(try runs.feasibility([.baseline]) { $0.families = [fit.family] }[0])
        }
        var rows: [Row] = []
        for j in request.targets.indices {
            for (k, fit) in fitted.fits.enumerated() {
                let f = perFamily[k][j]
                rows.append(Row(target: f.target, family: fit.family, weight: fitted.weights[k], pMeet: f.pMeet,
                                pMeetStandardError: f.pMeetStandardError))
            }
        }
        return FamilyComparison(rows: rows)
    }
}
