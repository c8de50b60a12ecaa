/// Confidence intervals for least-squares estimates: θ̂ⱼ ± t·se(θ̂ⱼ), with t the (1 + level)/2
/// quantile of Student's t with the residual degrees of freedom m − n, and se from the
/// covariance s²(JᵀJ)⁺ (``ParameterCovariance``).
///
/// ```swift
/// let fit = try LevenbergMarquardt().minimize(model, from: start)
/// let ci = ParameterConfidenceIntervals(fit)          // 95 %
/// (ci.lower[0], ci.upper[0])                          // the first parameter's interval
/// ```
///
/// These are the linearised (Wald) intervals scipy users compute from `curve_fit`:
/// `popt ± scipy.stats.t.ppf(0.975, m − n) * sqrt(diag(pcov))`. What does *not* hold: they
/// are exact only for a model linear in its parameters; for a strongly nonlinear one the
/// true (profile-likelihood) interval is asymmetric, and these can be too narrow or
/// wrongly centred (Bates & Watts, *Nonlinear Regression Analysis*, 1988, ch. 6). A
/// parameter the data do not identify, and every parameter when m − n < 1, gets NaN bounds.
public struct ParameterConfidenceIntervals: Sendable {
    /// The coverage asked for, e.g. 0.95.
    public let level: Double
    /// m − n.
    public let degreesOfFreedom: Int
    /// t((1 + level)/2, m − n); NaN when m − n < 1.
    public let tQuantile: Double
    public let lower: [Double]
    public let upper: [Double]

    public init(_ fit: LeastSquaresFit, level: Double = 0.95) {
        precondition(level > 0 && level < 1, "the level must be in (0, 1)")
        self.level = level
        degreesOfFreedom = fit.dof
        let t = fit.dof >= 1 ? StudentT.refinedQuantile((1 + level) / 2, degreesOfFreedom: Double(fit.dof)) : .nan
        tQuantile = t
        let halfWidths = fit.standardErrors.map { $0 * t }
        lower = zip(fit.parameters, halfWidths).map { $1.isFinite ? $0 - $1 : .nan }
        upper = zip(fit.parameters, halfWidths).map { $1.isFinite ? $0 + $1 : .nan }
    }
}
