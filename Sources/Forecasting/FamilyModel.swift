import Fitting

/// One family of the Monte Carlo mixture, ready to simulate.
struct FamilyModel: Sendable {
    let family: CurveFamily
    let curve: LaunchAnchoredCurve
    let estimates: [Double]
    let hasCeiling: Bool
    let sampler: ParameterSampler
    let residual: ResidualProcess
    /// Per clock step m: the OU decay a_m = e^(−κΔt_m) and innovation sd σ√(1 − a_m²)
    /// (a random walk: 1 and σ√Δt_m).
    let decays: [Double]
    let innovationSDs: [Double]
    /// The local trend's errors from real panels (``ErrorQuantileTable``), if calibrated.
    let calibratedErrors: CalibratedErrors?

    init(fit: AdoptionFit, sampler: ParameterSampler, residual: ResidualProcess, clock: SimulationClock,
         calibratedErrors: CalibratedErrors? = nil) {
        self.calibratedErrors = calibratedErrors
        family = fit.family
        curve = fit.curve
        estimates = fit.estimates
        hasCeiling = VariantLeverPlan.hasCeiling(fit.family)
        self.sampler = sampler
        self.residual = residual
        var previous = clock.referenceTime
        var decays: [Double] = [], sds: [Double] = []
        for t in clock.times {
            decays.append(residual.isRandomWalk ? 1 : residual.decay(over: t - previous))
            sds.append(residual.innovationSD(over: t - previous))
            previous = t
        }
        self.decays = decays
        innovationSDs = sds
    }
}
