import Fitting

/// A path's latent level (DESIGN.md, "Monte Carlo"): the curve under the variant's levers,
/// the level shift, the scenario's cap and the metric's range (``PathSimulator``).
extension PathSimulator {
    /// What a path's levers do to its curve, worked out once per path (``pathLevers``).
    struct PathLevers {
        /// A ceiling lever: the level at `from` and the factor the headroom above it is
        /// stretched by.
        var stretch: (levelAtFrom: Double, factor: Double)?
        /// On a bounded metric, the level shift as a shift of h (logit): the shift at `from`,
        /// h(L(from) + s) − h(L(from)), kept for every later date, so a shifted path stays
        /// inside (0, bound) instead of being clamped onto the bound.
        var naturalShift: Double?
    }

    /// The latent level at t ≥ reference: the curve under the levers, the level shift after
    /// `from`, the scenario's cap, and the metric's range.
    @inline(__always)
    func latent(_ curve: LaunchAnchoredCurve, _ parameters: LaunchAnchoredCurve.PackedParameters, at t: Double,
                _ draw: VariantLeverPlan.Draw, _ path: PathLevers) -> Double {
        latent(LaunchAnchoredCurve.Evaluator(curve: curve, parameters: parameters), at: t, draw, path)
    }

    /// ``latent(_:at:_:_:)`` of a variant without levers: the same arithmetic with the levers
    /// left out (a zero level shift is still added after `from`, as −0 + 0 is +0).
    @inline(__always)
    func latent(_ curve: LaunchAnchoredCurve, _ parameters: LaunchAnchoredCurve.PackedParameters, at t: Double) -> Double {
        var level = curve.level(at: t, parameters)
        guard !isFlow else { return level }
        if t > levers.fromTime { level += 0 }
        if scenarioCeiling.isFinite { level = min(level, cap) }
        return scale.clamp(level)
    }


    @inline(__always)
    func latent(_ curve: LaunchAnchoredCurve.Evaluator, at t: Double, _ draw: VariantLeverPlan.Draw,
                _ path: PathLevers) -> Double {
        let from = levers.fromTime
        var level: Double
        if t <= from || draw.growth == 1 && path.stretch == nil && draw.offset == 0 {
            level = curve.level(at: t)   // no lever: the curve at t itself, not at from + (t − from)
        } else {
            level = curve.level(at: from + draw.growth * (t - from) + draw.offset)
            if let stretch = path.stretch { level = stretch.levelAtFrom + (level - stretch.levelAtFrom) * stretch.factor }
        }
        guard !isFlow else { return level }
        if t > from && path.naturalShift == nil { level += draw.shift }
        if scenarioCeiling.isFinite {
            let cap = t > from && levers.ceiling != nil ? draw.ceiling * scenarioCeiling : scenarioCeiling
            level = min(level, rangeTop.map { min(cap, $0) } ?? cap)
        }
        if t > from, let shift = path.naturalShift {
            level = scale.inverse(scale.transform(scale.clamp(level)) + shift)
        }
        return scale.clamp(level)
    }


    /// A ceiling lever stretches the headroom above the level at `from` (VariantLeverPlan),
    /// towards c·K but never past the metric's bound; a level shift on a bounded metric
    /// becomes a shift of h (``PathLevers``).
    @inline(__always)
    func pathLevers(hasCeiling: Bool, _ curve: LaunchAnchoredCurve.Evaluator, _ theta: [Double],
                    _ draw: VariantLeverPlan.Draw) -> PathLevers {
        var out = PathLevers()
        let needsFrom = (hasCeiling && levers.ceiling != nil) || (!isFlow && draw.shift != 0 && rangeTop != nil)
        guard needsFrom else { return out }
        let levelAtFrom = curve.level(at: levers.fromTime)
        if hasCeiling && levers.ceiling != nil {
            let ceiling = theta[0]
            let headroom = ceiling - levelAtFrom
            let target = rangeTop.map { min(draw.ceiling * ceiling, $0) } ?? draw.ceiling * ceiling
            out.stretch = (levelAtFrom, headroom > 0 ? (target - levelAtFrom) / headroom : 1)
        }
        if !isFlow, draw.shift != 0, let top = rangeTop {
            let inside = { (y: Double) in min(max(y, top * 1e-9), top * (1 - 1e-9)) }
            out.naturalShift = scale.transform(inside(levelAtFrom + draw.shift)) - scale.transform(inside(levelAtFrom))
        }
        return out
    }
}
