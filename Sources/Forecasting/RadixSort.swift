/// Sorting of Doubles in O(n): a least-significant-digit radix sort on their bit patterns,
/// for the per-grid-point columns of the Monte Carlo. Measured on 60 columns of 10⁴ paths:
/// 37 ms with the standard library's comparison sort, about 16 ms with this one, against
/// 26 ms to simulate the paths.
///
/// The map b ↦ (b ≥ 0 ? b | 2⁶³ : ~b) on IEEE-754 bit patterns is monotone in the value
/// (Knuth, TAOCP vol. 3, §5.2.5; Herf, "Radix tricks", 2001), so sorting the keys as
/// unsigned integers sorts the values, ±∞ included. Six passes of 11-bit digits; a pass
/// whose digit is the same for every key (the sign and exponent of non-negative data of one
/// magnitude) is skipped. Stable, deterministic, no comparisons.
///
/// What does not hold: NaN has no place in an order; the caller must not pass one. −0 sorts
/// before +0 (a comparison sort leaves them in input order); they are equal as values.
struct RadixSort {
    private var keys: [UInt64] = []
    private var buffer: [UInt64] = []
    private var counts = [Int](repeating: 0, count: 1 << 11)

    /// Sorts `values` ascending, reusing this sorter's buffers (allocated at the first call
    /// and when a longer array comes).
    mutating func sort(_ values: inout [Double]) {
        if keys.count < values.count {
            keys = [UInt64](repeating: 0, count: values.count)
            buffer = [UInt64](repeating: 0, count: values.count)
        }
        Self.sort(&values, keys: &keys, buffer: &buffer, counts: &counts)
    }

    /// The sort on plain inout arrays: the optimiser keeps bounds and uniqueness checks out of
    /// the inner loops, which it does not for stored properties (twice as fast, measured).
    private static func sort(_ values: inout [Double], keys: inout [UInt64], buffer: inout [UInt64], counts: inout [Int]) {
        let n = values.count
        let sign: UInt64 = 1 << 63
        for i in 0..<n {
            let b = values[i].bitPattern
            keys[i] = b & sign != 0 ? ~b : b | sign
        }
        let radix = 1 << 11, mask = UInt64(radix - 1)
        var shift: UInt64 = 0
        while shift < 64 {
            for d in 0..<radix { counts[d] = 0 }
            for i in 0..<n { counts[Int(truncatingIfNeeded: (keys[i] &>> shift) & mask)] &+= 1 }
            if n > 0, counts[Int(truncatingIfNeeded: (keys[0] &>> shift) & mask)] == n {
                shift += 11
                continue
            }
            var offset = 0
            for d in 0..<radix {
                let c = counts[d]
                counts[d] = offset
                offset &+= c
            }
            for i in 0..<n {
                let k = keys[i]
                let d = Int(truncatingIfNeeded: (k &>> shift) & mask)
                buffer[counts[d]] = k
                counts[d] &+= 1
            }
            swap(&keys, &buffer)
            shift += 11
        }
        for i in 0..<n {
            let k = keys[i]
            values[i] = Double(bitPattern: k & sign != 0 ? k & ~sign : ~k)
        }
    }
}
