/// Selected order statistics of a column of Doubles without sorting it: the exact values a
/// full ``RadixSort`` would put at the requested ranks, for the per-grid-point quantiles of
/// the Monte Carlo (23 levels need at most 46 ranks out of 10⁴).
///
/// The values are mapped to the same order-preserving unsigned keys as ``RadixSort`` (so −0
/// sorts before +0 and the value read back at a rank is bit-for-bit the one the sort gives).
/// One pass finds the key range, one histogram pass over two to four buckets per value (at
/// most 2¹¹) finds the buckets holding the wanted ranks, one pass gathers just those
/// buckets; each gathered bucket is handled the same way (its range is at least 2⁴ times
/// narrower), and small ones are insertion-sorted. NaN must not be passed.
struct OrderStatistics {
    private var keys: [UInt64] = []
    private var scratch: [UInt64] = []

    static let sign: UInt64 = 1 << 63

    @inline(__always) static func key(_ x: Double) -> UInt64 {
        let b = x.bitPattern
        return b & sign != 0 ? ~b : b | sign
    }

    /// ``key(_:)`` of four values at once.
    @inline(__always) static func keys(_ x: SIMD4<Double>) -> SIMD4<UInt64> {
        let b = unsafeBitCast(x, to: SIMD4<UInt64>.self)
        let negative = SIMD4<UInt64>() &- (b &>> 63)   // all ones where the sign bit is set
        return b ^ (negative | SIMD4(repeating: sign))
    }
    /// Key bounds of a column whose smallest and largest values are given (compared as
    /// Doubles, where −0 = +0): a zero bound is widened to cover both zeros' keys. The
    /// bounds need not be attained, only hold every key.
    @inline(__always) static func keyBounds(smallest: Double, largest: Double) -> (lo: UInt64, hi: UInt64) {
        (key(smallest == 0 ? -0.0 : smallest), key(largest == 0 ? 0.0 : largest))
    }
    @inline(__always) static func value(_ k: UInt64) -> Double {
        Double(bitPattern: k & sign != 0 ? k & ~sign : ~k)
    }

    /// The same for keys already written (``key(_:)``) by the caller's own pass over the
    /// values, with their smallest and largest: ``ColumnSummarizer`` writes them in the pass
    /// that also sums the values and counts the CDF, so the column is read once. `keys` is
    /// reordered.
    /// `keys` holds at least n + 1 elements (the last one is scratch room for the gather).
    mutating func select(keys: inout [UInt64], count n: Int, range: (lo: UInt64, hi: UInt64), ranks: [Int]) -> [Double] {
        if scratch.count < keys.count { scratch = [UInt64](repeating: 0, count: keys.count) }
        precondition(keys.count > n && ranks.allSatisfy { $0 >= 0 && $0 < n }, "rank out of range")
        var out = [UInt64](repeating: 0, count: ranks.count)
        Self.select(&keys, &scratch, from: 0, count: n, base: 0, ranks, 0..<ranks.count, &out, range: range)
        return out.map(Self.value)
    }

    /// The values at `ranks` (ascending, distinct, each in 0..<values.count) of `values`
    /// sorted ascending, in the order of `ranks`.
    mutating func select(_ values: [Double], ranks: [Int]) -> [Double] {
        let n = values.count
        if keys.count <= n {
            keys = [UInt64](repeating: 0, count: n + 1)
            scratch = [UInt64](repeating: 0, count: n + 1)
        }
        precondition(ranks.allSatisfy { $0 >= 0 && $0 < n }, "rank out of range")
        var out = [UInt64](repeating: 0, count: ranks.count)
        do {
            var span = keys.mutableSpan
            for i in 0..<n { span[i] = Self.key(values[i]) }
        }
        Self.select(&keys, &scratch, from: 0, count: n, base: 0, ranks, 0..<ranks.count, &out)
        return out.map(Self.value)
    }

    /// Selects within `source[from ..< from + n]`, whose smallest element has rank `base`,
    /// using `spare[from ..< from + n]` as room to gather the buckets that hold wanted ranks;
    /// the two arrays swap roles at each level of recursion. Both have a last element beyond
    /// every range: the gather writes the keys of unwanted buckets there (no branch per key).
    private static func select(_ source: inout [UInt64], _ spare: inout [UInt64], from: Int, count n: Int, base: Int,
                               _ ranks: [Int], _ wanted: Range<Int>, _ out: inout [UInt64],
                               range known: (lo: UInt64, hi: UInt64)? = nil) {
        if wanted.isEmpty { return }
        if n <= 48 {
            // Insertion sort: equal keys are identical bit patterns, so order among them is moot.
            var i = from + 1
            while i < from + n {
                let k = source[i]
                var j = i
                while j > from && source[j - 1] > k { source[j] = source[j - 1]; j -= 1 }
                source[j] = k
                i += 1
            }
            for w in wanted { out[w] = source[from + ranks[w] - base] }
            return
        }
        var lo = source[from], hi = source[from]
        if let known {
            (lo, hi) = known   // found by the caller while writing the keys
        } else {
            for i in from..<(from + n) {
                let k = source[i]
                lo = Swift.min(lo, k)
                hi = Swift.max(hi, k)
            }
        }
        if lo == hi {
            for w in wanted { out[w] = lo }
            return
        }
        // Two to four buckets per value, at most 2¹¹: a bucket of 50–500 values (the recursion's
        // usual case) would otherwise clear and scan 2¹¹ counters for a few hundred keys.
        let radixBits = Swift.min(11, Swift.max(4, Int.bitWidth - n.leadingZeroBitCount + 1))
        let width = UInt64.bitWidth - (hi &- lo).leadingZeroBitCount
        let shift = UInt64(Swift.max(0, width - radixBits))
        let buckets = Int(truncatingIfNeeded: (hi &- lo) &>> shift) + 1
        var counts = [Int](repeating: 0, count: buckets)
        var starts = [Int](repeating: 0, count: buckets)
        // Where each bucket's next key goes in `spare`, relative to `from`; the keys of unwanted
        // buckets all go to its last element, which no range uses, and `advance` is 0 for them.
        let trash = spare.count - 1 - from
        var destination = [Int](repeating: trash, count: buckets)
        var advance = [Int](repeating: 0, count: buckets)
        do {
            var histogram = counts.mutableSpan
            let keys = source.span
            for i in from..<(from + n) { histogram[Int(truncatingIfNeeded: (keys[i] &- lo) &>> shift)] &+= 1 }
        }
        var offset = 0
        for d in 0..<buckets {
            starts[d] = offset
            offset &+= counts[d]
        }
        // The buckets holding the wanted ranks, and where each goes in `spare`.
        var compact = 0
        var d = 0
        for w in wanted {
            let r = ranks[w] - base
            while starts[d] + counts[d] <= r { d += 1 }
            if advance[d] == 0 {
                destination[d] = compact
                advance[d] = 1
                compact += counts[d]
            }
        }
        do {
            var gathered = spare.mutableSpan, next = destination.mutableSpan
            let keys = source.span, steps = advance.span
            for i in from..<(from + n) {
                let k = keys[i]
                let b = Int(truncatingIfNeeded: (k &- lo) &>> shift)
                let p = next[b]
                gathered[from &+ p] = k
                next[b] = p &+ steps[b]
            }
        }
        // Recurse into each selected bucket in order, with the ranks it holds.
        var w = wanted.lowerBound
        var at = 0
        while w < wanted.upperBound {
            let r = ranks[w] - base
            // The bucket of rank r (buckets are visited in ascending order).
            var lower = 0, upper = buckets
            while lower < upper {
                let mid = (lower + upper) / 2
                if starts[mid] + counts[mid] <= r { lower = mid + 1 } else { upper = mid }
            }
            let b = lower
            let end = starts[b] + counts[b]
            var v = w
            while v < wanted.upperBound && ranks[v] - base < end { v += 1 }
            select(&spare, &source, from: from + at, count: counts[b], base: base + starts[b], ranks, w..<v, &out)
            at += counts[b]
            w = v
        }
    }
}
