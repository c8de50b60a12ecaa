/// Quantiles and empirical CDF of a sorted sample.
///
/// Type 7 of Hyndman & Fan ("Sample quantiles in statistical packages", *The American
/// Statistician* 50, 1996), the default of R and numpy: with n sorted values x₀ ≤ … ≤ xₙ₋₁
/// and h = (n − 1)·p, Q(p) = x_⌊h⌋ + (h − ⌊h⌋)·(x_⌊h⌋₊₁ − x_⌊h⌋).
///
/// Q is non-decreasing in p in floating point too: each value is clamped to its bracket
/// [x_⌊h⌋, x_⌊h⌋₊₁], and within a bracket x + f·d is monotone in f. An infinite neighbour
/// (a path that never reaches a target, recorded as +∞) gives +∞ unless f = 0.
public enum SampleQuantiles {
    public static func quantile(sorted x: [Double], _ p: Double) -> Double {
        precondition(!x.isEmpty, "quantile of an empty sample")
        return quantile(count: x.count, p) { x[$0] }
    }

    /// The ranks (0-based, ascending order statistics) that `quantile` reads for level `p`
    /// in a sample of `n`: ⌊h⌋ and, when it is used, ⌊h⌋ + 1.
    static func ranks(count n: Int, _ p: Double) -> [Int] {
        let h = Double(n - 1) * min(max(p, 0), 1)
        let lo = Int(h.rounded(.down))
        let fraction = h - Double(lo)
        return fraction == 0 || lo + 1 >= n ? [lo] : [lo, lo + 1]
    }

    /// Type-7 quantile of a sample of `n` given its order statistics by rank.
    static func quantile(count n: Int, _ p: Double, orderStatistic x: (Int) -> Double) -> Double {
        let h = Double(n - 1) * min(max(p, 0), 1)
        let lo = Int(h.rounded(.down))
        let fraction = h - Double(lo)
        if fraction == 0 || lo + 1 >= n { return x(lo) }
        let a = x(lo), b = x(lo + 1)
        if b == .infinity { return .infinity }
        return min(max(a + fraction * (b - a), a), b)
    }

    /// The fraction of values ≤ v (binary search for the upper bound).
    static func cumulativeProbability(sorted x: [Double], atMost v: Double) -> Double {
        var lo = 0, hi = x.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if x[mid] <= v { lo = mid + 1 } else { hi = mid }
        }
        return Double(lo) / Double(x.count)
    }
}

extension SampleQuantiles {
    /// The number of values < v (binary search for the lower bound).
    static func countBelow(sorted x: [Double], _ v: Double) -> Int {
        var lo = 0, hi = x.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if x[mid] < v { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
