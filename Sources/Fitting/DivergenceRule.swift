import Foundation

/// When a Levenberg–Marquardt run is heading for a minimum at infinity, and stops it there
/// (termination `diverging`) instead of spending the rest of its evaluation budget.
///
/// The case it is for: a logistic K/(1+e^(−r(t−t₀))) fitted to data that are still
/// exponential. Then ‖r‖² keeps falling as K → ∞ and t₀ → ∞ along the valley
/// ln K − r·t₀ = const, where the model tends to A·e^(rt); the solver creeps along that
/// valley, each step buying less, until the budget runs out (`max_evaluations`). There is no
/// finite estimate to report either way; this rule only ends the run sooner.
///
/// **The rule.** With D the solver's current variable scaling and θ₀ the start, the run
/// stops after an accepted step k when all of
///
/// 1. ‖D·θ_k‖ ≥ `growth` · ‖D·θ₀‖ (default 100): the parameters have left the scale of the
///    start by two orders of magnitude (automatic starts are on the scale of the data);
/// 2. ‖D·θ‖ rose at each of the last W = ``window`` accepted steps (a steady march outwards,
///    not a search);
/// 3. over those W steps ‖r‖² fell by less than E = ``elasticity`` (0.1 %) per e-fold of
///    ‖D·θ‖: ln(S_{k−W}/S_k) < E · ln(‖D·θ_k‖/‖D·θ_{k−W}‖), S = ‖r‖²;
/// 4. over those W steps ‖D·θ‖ grew by at least 1 % (``windowGrowth``): a run closing in on
///    a finite minimum can satisfy 2 and 3 on its final approach, but its steps shrink (in a
///    review's counterexample, 0.02 % over the window), while a run to infinity keeps them in
///    proportion to ‖θ‖ (6.6 % on benchmark series s00005). A start with ‖D·θ₀‖ = 0 turns the
///    rule off.
///
/// All three are scale-free (a rescaled model or data set triggers at the same step).
///
/// **What it never does** is stop a run on its way to a *finite* minimum near the start's
/// scale: a converging run has ‖D·θ‖ bounded, and condition 1 keeps any run that stays
/// within a factor of 100 of its start's size. The guarantee is empirical beyond that: on
/// the 1,000 benchmark series (BENCHMARKS.md, "Fit speed") the largest growth among runs
/// that converge is 29× — a slow creep to a far but finite ceiling looks locally just like
/// a runaway (conditions 2 and 3 hold for it too), so the growth threshold is what separates
/// them, with a margin above 3 — and no NIST StRD run (both starts) triggers it. A run that
/// would have converged beyond 100-fold growth would be stopped; raise `growth` (or set it
/// to `.infinity`) for models whose solution may lie that far from the start.
///
/// Reference for the failure mode: Bates & Watts, *Nonlinear Regression Analysis and Its
/// Applications* (1988), §3.14 (parameters tending to infinity along a valley of ‖r‖² when
/// the model's limit fits as well as any finite point).
public struct DivergenceRule: Sendable {
    /// Default growth factor of ‖D·θ‖ since the start (condition 1).
    public static let defaultGrowth = 100.0
    /// Accepted steps over which the march outwards is judged (condition 2).
    public static let window = 10
    /// Largest relative fall of ‖r‖² per e-fold of ‖D·θ‖ that counts as "almost none"
    /// (condition 3).
    public static let elasticity = 1e-3
    /// How much ‖D·θ‖ must grow over those W steps (condition 4): 1 %.
    public static let windowGrowth = 1.01

    private let start: [Double]
    private let growth: Double
    /// The last `window + 1` accepted points and their ‖r‖², in a ring.
    private var points: [Double]
    private var sumsOfSquares: [Double]
    private var count = 0
    private let n: Int

    init(start: [Double], growth: Double) {
        self.start = start
        self.growth = growth
        n = start.count
        let slots = growth.isFinite ? Self.window + 1 : 0
        points = [Double](repeating: 0, count: slots * n)
        sumsOfSquares = [Double](repeating: 0, count: slots)
    }

    /// Records the accepted point θ with ‖r(θ)‖² = `sumOfSquares`; true if the run should
    /// stop as diverging.
    mutating func accept(_ theta: [Double], sumOfSquares: Double, scaling: [Double]) -> Bool {
        guard growth.isFinite else { return false }
        let slots = Self.window + 1
        let slot = count % slots
        for j in 0..<n { points[slot * n + j] = theta[j] }
        sumsOfSquares[slot] = sumOfSquares
        count += 1
        guard count >= slots else { return false }

        let current = scaledNorm(scaling) { theta[$0] }
        let startNorm = scaledNorm(scaling) { start[$0] }
        // A start at the origin has no scale to grow from: the rule stays off.
        guard startNorm > 0, current >= growth * startNorm else { return false }
        // Oldest to newest: ‖D·θ‖ must rise at every step.
        var previous = -Double.infinity
        var oldest = 0.0
        for age in 0..<slots {
            let s = (count + age) % slots
            let norm = scaledNorm(scaling) { points[s * n + $0] }
            if age == 0 { oldest = norm }
            guard norm > previous else { return false }
            previous = norm
        }
        let oldestSumOfSquares = sumsOfSquares[count % slots]
        // A run closing in on a finite minimum can also move outwards for W steps while each
        // step buys less, but its steps shrink: it does not double ‖D·θ‖ within the window,
        // where a run to infinity keeps its steps in proportion to ‖θ‖.
        guard sumOfSquares > 0, oldest > 0, current >= Self.windowGrowth * oldest else { return false }
        return log(oldestSumOfSquares / sumOfSquares) < Self.elasticity * log(current / oldest)
    }

    private func scaledNorm(_ d: [Double], _ value: (Int) -> Double) -> Double {
        var s = 0.0
        for j in 0..<n { let t = d[j] * value(j); s += t * t }
        return s.squareRoot()
    }
}
