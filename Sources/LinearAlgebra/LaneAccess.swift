/// Four neighbouring elements of a span read or written as one `SIMD4` — one bounds check
/// and one vector load or store, where four subscripts cost four checks and four scalar
/// moves plus the shuffles that assemble them. The Monte Carlo's step loops go four paths
/// at a time over struct-of-arrays state (``Forecasting``'s `PathBatch`); this is the only
/// place that touches the memory behind those spans directly (the project keeps unsafe
/// pointers inside LinearAlgebra).
///
/// ```swift
/// var state = [Double](repeating: 1, count: 8)
/// var span = state.mutableSpan
/// let x = span.span.lanes(at: 4)          // elements 4, 5, 6, 7
/// span.setLanes(x * 2, at: 0)              // elements 0…3
/// ```
extension Span where Element: SIMDScalar & BitwiseCopyable {
    /// Elements i, i + 1, i + 2, i + 3. Traps unless all four are in the span.
    @inlinable @inline(__always)
    public func lanes(at i: Int) -> SIMD4<Element> {
        precondition(i >= 0 && i <= count &- 4, "lanes out of range")
        return withUnsafeBufferPointer { buffer in
            UnsafeRawPointer(buffer.baseAddress.unsafelyUnwrapped)
                .loadUnaligned(fromByteOffset: i &* MemoryLayout<Element>.stride, as: SIMD4<Element>.self)
        }
    }
}

extension MutableSpan where Element: SIMDScalar & BitwiseCopyable {
    /// Elements i, i + 1, i + 2, i + 3. Traps unless all four are in the span.
    @inlinable @inline(__always)
    public func lanes(at i: Int) -> SIMD4<Element> {
        span.lanes(at: i)
    }

    /// Writes `value` to elements i, i + 1, i + 2, i + 3. Traps unless all four are in the span.
    @inlinable @inline(__always)
    public mutating func setLanes(_ value: SIMD4<Element>, at i: Int) {
        precondition(i >= 0 && i <= count &- 4, "lanes out of range")
        withUnsafeMutableBufferPointer { buffer in
            UnsafeMutableRawPointer(buffer.baseAddress.unsafelyUnwrapped)
                .storeBytes(of: value, toByteOffset: i &* MemoryLayout<Element>.stride, as: SIMD4<Element>.self)
        }
    }
}
