import Foundation

/// Weights of candidate curve families for the Monte Carlo mixture (DESIGN.md, "Model
/// choice").
///
/// - When every family has a Laplace evidence (all fits use priors): posterior model
///   probabilities under equal prior odds, wᵢ ∝ exp(log p(y | family i)).
/// - Otherwise, when every family has an AICc (n ≥ k + 2; a mixed ensemble of sigmoids with
///   a ceiling prior and trends without one): Akaike weights wᵢ ∝ exp(−½ ΔAICcᵢ) (Burnham & Anderson, *Model
///   Selection and Multimodel Inference*, 2nd ed., 2002, §2.9), over the families with an
///   AICc (n ≥ k + 2).
/// - When neither is available for every family (too few points), equal weights: the
///   data cannot tell the families apart, and the report says how much the answer depends
///   on the family.
///
/// What does not hold: Laplace evidence with a flat prior on some parameter is relative to
/// that improper prior; weights are then comparable only between families that share it.
public enum ModelWeights {
    public static func weights(for fits: [AdoptionFit]) -> [Double] {
        guard !fits.isEmpty else { return [] }
        if fits.allSatisfy({ $0.logEvidence?.isFinite == true }) {
            return normalised(fits.map { $0.logEvidence! })
        }
        if fits.allSatisfy({ $0.aicc?.isFinite == true }) {
            return normalised(fits.map { -0.5 * $0.aicc! })
        }
        return [Double](repeating: 1 / Double(fits.count), count: fits.count)
    }

    /// exp(xᵢ − max x) normalised: softmax without overflow.
    private static func normalised(_ logWeights: [Double]) -> [Double] {
        let top = logWeights.max()!
        let raw = logWeights.map { exp($0 - top) }
        let total = raw.reduce(0, +)
        return raw.map { $0 / total }
    }
}
