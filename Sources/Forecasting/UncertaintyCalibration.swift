/// How much wider than the fit's own uncertainty the Monte Carlo draws are (DESIGN.md,
/// "Intervals must be honest"). The identity by default; a calibration step validated by
/// backtests sets it.
///
/// ```swift
/// var request = ForecastRequest(...)
/// request.calibration = UncertaintyCalibration(parameterScale: 1.5, noiseScale: 1.2)
/// ```
///
/// - `parameterScale` multiplies the standard deviations of the parameter draws in the
///   unconstrained space: φ ~ N(φ̂, parameterScale²·Σ_φ). Prior draws for unidentified
///   parameters are not scaled (a prior is what the planner said, not an estimate).
/// - `noiseScale` multiplies σ of the AR(1) residual process (its stationary standard
///   deviation on the error scale). The starting residual, which was observed, is not scaled.
///
/// Both must be finite and ≥ 0; 0 switches that source of uncertainty off.
public struct UncertaintyCalibration: Sendable, Equatable {
    public var parameterScale: Double
    public var noiseScale: Double

    public init(parameterScale: Double = 1, noiseScale: Double = 1) {
        self.parameterScale = parameterScale
        self.noiseScale = noiseScale
    }

    /// No inflation: the plain Laplace/covariance draws and the fitted σ.
    public static let none = UncertaintyCalibration()
}
