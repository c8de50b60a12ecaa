import Foundation
import LinearAlgebra

/// A formula side compiled into a flat tape over numbered registers, evaluated column-wise
/// (each instruction loops over all data rows) in value mode or forward-mode dual-number mode.
///
/// Everything that does not depend on the parameters — constants, data columns, data-only
/// subexpressions such as `2*pi*x/12` or `log(y)` — is evaluated once at compile time and
/// lives in `initialValues`; only parameter-dependent instructions stay on the tape. Each
/// register tracks the parameters it depends on, and stores partials only for those, so
/// `b3*x` carries one partial and `exp(b2 - b3*x)` two, never a partial of data.
struct CompiledFormula: Sendable {
    let rowCount: Int
    let parameterCount: Int
    let instructions: [TapeInstruction]
    let slots: [Int]
    /// Values of all registers with the parameter-independent ones filled in, followed by two
    /// temporary rows used for derivative coefficients.
    let initialValues: [Double]
    /// Partials storage; parameter registers hold their constant partial 1.
    let initialPartials: [Double]
    /// Value offset of each parameter's scalar register (-1 if the parameter does not occur).
    let parameterOffsets: [Int]
    /// The result register.
    let outputOffset: Int
    let outputStride: Int
    /// Offset of the result's partial for parameter j, or -1 if it does not depend on it.
    let outputPartialOffsets: [Int]

    static let oneOffset = 0
    static let minusOneOffset = 1
    let tempA: Int
    let tempB: Int

    /// Failures that need the caller's context (data file name, line numbers) to report.
    enum Failure: Error {
        /// A parameter-independent subexpression that feeds the parameter-dependent part (or
        /// is the whole result) is not finite; `row` is nil for a constant.
        case notFinite(FormulaExpression, row: Int?)
    }

    /// Compiles `expression` for `rowCount` rows. Identifiers must be in `parameters` (name →
    /// index) or be data columns returned by `column`; callers check this beforehand.
    init(
        expression: FormulaExpression,
        rowCount: Int,
        parameters: [String: Int],
        column: @escaping (String) -> [Double]?
    ) throws(Failure) {
        var compiler = TapeCompiler(rows: rowCount, parameters: parameters, column: column)
        let result = try compiler.compile(expression)
        let register = compiler.registers[result]
        if register.dependencies.isEmpty {
            try compiler.checkFinite(result, expression)
        }
        self.rowCount = rowCount
        self.parameterCount = parameters.count
        self.instructions = compiler.instructions
        self.slots = compiler.slots
        self.tempA = compiler.values.count
        self.tempB = compiler.values.count + rowCount
        self.initialValues = compiler.values + [Double](repeating: 0, count: 2 * rowCount)
        self.initialPartials = compiler.partials
        self.parameterOffsets = compiler.parameterOffsets
        self.outputOffset = register.offset
        self.outputStride = register.isVector ? 1 : 0
        var outputPartials = [Int](repeating: -1, count: parameters.count)
        for (k, j) in register.dependencies.enumerated() {
            outputPartials[j] = register.partialOffset + k * register.length(rowCount)
        }
        self.outputPartialOffsets = outputPartials
    }

    /// The result for row `i` after an evaluation.
    @inline(__always)
    func outputValue(_ values: [Double], row i: Int) -> Double {
        values[outputOffset + i * outputStride]
    }

    /// Computes every register's value at `parameters` (value mode).
    func evaluateValues(_ parameters: [Double], _ scratch: inout FormulaScratch) {
        precondition(parameters.count == parameterCount, "expected \(parameterCount) parameters, got \(parameters.count)")
        do {
            var vs = scratch.values.mutableSpan
            for j in 0..<parameterCount {
                let offset = parameterOffsets[j]
                if offset >= 0 { vs[offset] = parameters[j] }
            }
            for instruction in instructions {
                Self.computeValue(instruction, &vs)
            }
        }
        for j in 0..<parameterCount { scratch.valuesParameters[j] = parameters[j] }
        scratch.valuesValid = true
    }

    /// Computes values (unless they are current for `parameters`) and all partials.
    func evaluateDerivatives(_ parameters: [Double], _ scratch: inout FormulaScratch) {
        var current = scratch.valuesValid && parameters.count == parameterCount
        if current {
            // Bitwise, so that −0 and +0 (1/θ differs) or NaN never count as the same point.
            for j in 0..<parameterCount where scratch.valuesParameters[j].bitPattern != parameters[j].bitPattern {
                current = false
            }
        }
        if !current { evaluateValues(parameters, &scratch) }
        propagatePartials(&scratch.values, &scratch.partials)
    }

    private func propagatePartials(_ values: inout [Double], _ partials: inout [Double]) {
        var vs = values.mutableSpan
        var ps = partials.mutableSpan
        for instruction in instructions {
            computePartials(instruction, &vs, &ps)
        }
    }

    // MARK: Kernels
    //
    // The kernels work on `MutableSpan` views of the scratch arrays: still bounds-checked,
    // safe Swift, but a span keeps its length in a register, so the optimiser hoists the
    // checks out of the loops and vectorises them. (Indexing the arrays directly makes it
    // reload the array's count after every store, which leaves loops scalar and 3–4× slower.)
    // The spans are made once per evaluation, not per instruction.

    /// `v[dst + i] = f(v[a + i])` for i in 0..<n.
    @inline(__always)
    private static func map(_ s: inout MutableSpan<Double>, _ dst: Int, _ n: Int, _ a: Int, _ f: (Double) -> Double) {
        precondition(dst >= 0 && a >= 0 && n >= 0 && dst <= s.count - n && a <= s.count - n)
        for i in 0..<n { s[dst &+ i] = f(s[a &+ i]) }
    }

    /// `v[dst + i] = e^(v[a + i])` for i in 0..<n, four rows at a time with
    /// ``LinearAlgebra/LaneMath/exp(_:)`` (within 2 ulp of libm's `exp`); a last group of fewer
    /// than four rows is padded, so every row goes through the same function.
    @inline(__always)
    private static func mapExp(_ s: inout MutableSpan<Double>, _ dst: Int, _ n: Int, _ a: Int) {
        precondition(dst >= 0 && a >= 0 && n >= 0 && dst <= s.count - n && a <= s.count - n)
        var i = 0
        while i &+ 4 <= n {
            s.setLanes(LaneMath.exp(s.lanes(at: a &+ i)), at: dst &+ i)
            i &+= 4
        }
        if i < n {
            var x = SIMD4<Double>()
            for k in 0..<(n &- i) { x[k] = s[a &+ i &+ k] }
            let y = LaneMath.exp(x)
            for k in 0..<(n &- i) { s[dst &+ i &+ k] = y[k] }
        }
    }

    /// `v[dst + i] = f(v[a + i·sa], v[b + i·sb])` for n rows; a single value when both
    /// strides are 0 (the result is then a scalar).
    @inline(__always)
    private static func map(
        _ s: inout MutableSpan<Double>, _ dst: Int, _ n: Int,
        _ a: Int, _ sa: Int, _ b: Int, _ sb: Int, _ f: (Double, Double) -> Double
    ) {
        let count = s.count
        precondition(dst >= 0 && a >= 0 && b >= 0 && n >= 1 && dst <= count - n && a < count && b < count)
        if sa == 1 {
            precondition(a <= count - n)
            if sb == 1 {
                precondition(b <= count - n)
                for i in 0..<n { s[dst &+ i] = f(s[a &+ i], s[b &+ i]) }
            } else {
                let y = s[b]
                for i in 0..<n { s[dst &+ i] = f(s[a &+ i], y) }
            }
        } else if sb == 1 {
            precondition(b <= count - n)
            let x = s[a]
            for i in 0..<n { s[dst &+ i] = f(x, s[b &+ i]) }
        } else {
            s[dst] = f(s[a], s[b])
        }
    }

    /// Value mode for one instruction on an array (used when folding at compile time).
    static func computeValue(_ ins: TapeInstruction, _ values: inout [Double]) {
        var s = values.mutableSpan
        computeValue(ins, &s)
    }

    static func computeValue(_ ins: TapeInstruction, _ s: inout MutableSpan<Double>) {
        let o = ins.out, n = ins.length, a = ins.a
        switch ins.op {
        case .negate: map(&s, o, n, a) { -$0 }
        case .exp: mapExp(&s, o, n, a)
        case .log: map(&s, o, n, a) { Foundation.log($0) }
        case .sqrt: map(&s, o, n, a) { $0.squareRoot() }
        case .sin: map(&s, o, n, a) { Foundation.sin($0) }
        case .cos: map(&s, o, n, a) { Foundation.cos($0) }
        case .tan: map(&s, o, n, a) { Foundation.tan($0) }
        case .atan: map(&s, o, n, a) { Foundation.atan($0) }
        case .abs: map(&s, o, n, a) { Swift.abs($0) }
        case .square: map(&s, o, n, a) { $0 * $0 }
        case .cube: map(&s, o, n, a) { $0 * $0 * $0 }
        case .reciprocal: map(&s, o, n, a) { 1 / $0 }
        case .add: map(&s, o, n, a, ins.aStride, ins.b, ins.bStride) { $0 + $1 }
        case .subtract: map(&s, o, n, a, ins.aStride, ins.b, ins.bStride) { $0 - $1 }
        case .multiply: map(&s, o, n, a, ins.aStride, ins.b, ins.bStride) { $0 * $1 }
        case .divide: map(&s, o, n, a, ins.aStride, ins.b, ins.bStride) { $0 / $1 }
        case .power, .powerStatic: map(&s, o, n, a, ins.aStride, ins.b, ins.bStride) { Foundation.pow($0, $1) }
        }
    }

    /// `p[o + i] (+)= v[c + i·cs] · p[d + i·ds]` for i in 0..<n.
    @inline(__always)
    private static func scaleInto(
        _ ps: inout MutableSpan<Double>, _ vs: borrowing MutableSpan<Double>, _ o: Int, _ n: Int,
        _ c: Int, _ cs: Int, _ d: Int, _ ds: Int, accumulate: Bool
    ) {
        let pc = ps.count, vc = vs.count
        precondition(o >= 0 && c >= 0 && d >= 0 && n >= 1 && o <= pc - n && c < vc && d < pc)
        if cs == 1 {
            precondition(c <= vc - n)
            if ds == 1 {
                precondition(d <= pc - n)
                if accumulate {
                    for i in 0..<n { ps[o &+ i] += vs[c &+ i] * ps[d &+ i] }
                } else {
                    for i in 0..<n { ps[o &+ i] = vs[c &+ i] * ps[d &+ i] }
                }
            } else {
                let y = ps[d]
                if accumulate {
                    for i in 0..<n { ps[o &+ i] += vs[c &+ i] * y }
                } else {
                    for i in 0..<n { ps[o &+ i] = vs[c &+ i] * y }
                }
            }
        } else if ds == 1 {
            precondition(d <= pc - n)
            let x = vs[c]
            if accumulate {
                for i in 0..<n { ps[o &+ i] += x * ps[d &+ i] }
            } else {
                for i in 0..<n { ps[o &+ i] = x * ps[d &+ i] }
            }
        } else {
            let z = vs[c] * ps[d]
            if accumulate {
                for i in 0..<n { ps[o &+ i] += z }
            } else {
                for i in 0..<n { ps[o &+ i] = z }
            }
        }
    }

    /// Forward-mode step: d out = ∂op/∂a · da + ∂op/∂b · db for each parameter the result
    /// depends on. The coefficients ∂op/∂a, ∂op/∂b are read from a register, a constant ±1,
    /// or computed into the temporary rows.
    func computePartials(_ ins: TapeInstruction, _ v: inout MutableSpan<Double>, _ p: inout MutableSpan<Double>) {
        let n = ins.length, a = ins.a, b = ins.b, out = ins.out
        let sa = ins.aStride, sb = ins.bStride, so = ins.outStride
        var ca = 0, cas = 0, cb = 0, cbs = 0
        switch ins.op {
        case .negate:
            ca = Self.minusOneOffset
        case .add:
            ca = Self.oneOffset
            cb = Self.oneOffset
        case .subtract:
            ca = Self.oneOffset
            cb = Self.minusOneOffset
        case .multiply:
            (ca, cas, cb, cbs) = (b, sb, a, sa)
        case .exp:
            (ca, cas) = (out, so)
        case .log:
            Self.map(&v, tempA, n, a) { x in 1 / x }
            (ca, cas) = (tempA, so)
        case .sqrt:
            Self.map(&v, tempA, n, out) { y in 0.5 / y }
            (ca, cas) = (tempA, so)
        case .sin:
            Self.map(&v, tempA, n, a) { x in Foundation.cos(x) }
            (ca, cas) = (tempA, so)
        case .cos:
            Self.map(&v, tempA, n, a) { x in -Foundation.sin(x) }
            (ca, cas) = (tempA, so)
        case .tan:
            Self.map(&v, tempA, n, out) { y in 1 + y * y }
            (ca, cas) = (tempA, so)
        case .atan:
            Self.map(&v, tempA, n, a) { x in 1 / (1 + x * x) }
            (ca, cas) = (tempA, so)
        case .abs:
            Self.map(&v, tempA, n, a) { x in x > 0 ? 1 : (x < 0 ? -1 : 0) }
            (ca, cas) = (tempA, so)
        case .square:
            Self.map(&v, tempA, n, a) { x in 2 * x }
            (ca, cas) = (tempA, so)
        case .cube:
            Self.map(&v, tempA, n, a) { x in 3 * x * x }
            (ca, cas) = (tempA, so)
        case .reciprocal:
            Self.map(&v, tempA, n, out) { y in -y * y }
            (ca, cas) = (tempA, so)
        case .divide:
            // ∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −(a/b)·(1/b): one division per row.
            Self.map(&v, tempA, sb == 1 ? n : 1, b) { 1 / $0 }
            (ca, cas) = (tempA, sb)
            if ins.bHasPartials {
                Self.map(&v, tempB, n, out, so, tempA, sb) { q, r in -q * r }
                (cb, cbs) = (tempB, so)
            }
        case .power, .powerStatic:
            if ins.aHasPartials {
                Self.map(&v, tempA, n, a, sa, b, sb) { x, y in
                    y == 2 ? 2 * x : y * Foundation.pow(x, y - 1)
                }
                (ca, cas) = (tempA, so)
            }
            if ins.bHasPartials {
                Self.map(&v, tempB, n, out, so, a, sa) { c, x in c * Foundation.log(x) }
                (cb, cbs) = (tempB, so)
            }
        }
        for k in 0..<ins.dependencyCount {
            let pa = slots[ins.slotStart + 2 * k]
            let pb = slots[ins.slotStart + 2 * k + 1]
            let po = ins.outPartial + k * n
            if pa >= 0 {
                Self.scaleInto(&p, v, po, n, ca, cas, pa, sa, accumulate: false)
                if pb >= 0 {
                    Self.scaleInto(&p, v, po, n, cb, cbs, pb, sb, accumulate: true)
                }
            } else {
                Self.scaleInto(&p, v, po, n, cb, cbs, pb, sb, accumulate: false)
            }
        }
    }
}
