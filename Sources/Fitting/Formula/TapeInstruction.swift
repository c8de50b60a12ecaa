/// One instruction: `out = op(a, b)` over all rows. Plain integers only, so walking the
/// instruction array costs no reference counting.
///
/// Register storage (see `CompiledFormula`): a *vector* register holds one value per data
/// row (stride 1), a *scalar* register one value (stride 0, broadcast over rows).
struct TapeInstruction: Sendable {
    var op: TapeOp
    /// Offset of the result's values; `length` is the row count or 1 for a scalar result.
    var out: Int
    var length: Int
    /// 1 if the result is a vector, 0 if scalar.
    var outStride: Int
    var a: Int
    var aStride: Int
    var aHasPartials: Bool
    /// Unused (-1) for unary operations.
    var b: Int
    var bStride: Int
    var bHasPartials: Bool
    /// Offset of the result's partial derivatives: the partial with respect to the k-th
    /// parameter the result depends on lives at `outPartial + k * length`.
    var outPartial: Int
    var dependencyCount: Int
    /// `slots[slotStart + 2k]` / `[slotStart + 2k + 1]`: offset of operand a's / b's partial
    /// for the result's k-th parameter, or -1 if that operand does not depend on it.
    var slotStart: Int
}
