import Foundation

/// The local trend's deviation with the marginals of an ``ErrorQuantileTable``: the walk
/// e(h) (sd `sd`·√h, h years after the last observation) is mapped to
/// sd·√h·Q_h(Φ(e/(sd·√h))), a Gaussian copula with the table's marginals.
struct CalibratedErrors: Sendable {
    let table: ErrorQuantileTable
    let kind: ErrorQuantileTable.Kind
    let sd: Double

    @inline(__always)
    func map(_ e: Double, horizon h: Double) -> Double {
        guard h > 0, sd > 0 else { return e }
        let scale = sd * h.squareRoot()
        return scale * (table.quantile(kind, horizon: h, level: StandardNormal.cdf(e / scale)) ?? e / scale)
    }
}
