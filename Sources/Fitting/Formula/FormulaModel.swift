import LinearAlgebra
import Synchronization
import TextIO

/// A user formula fitted to a data table as a least-squares problem:
/// rᵢ(θ) = rhs(θ, row i) − lhs(row i), so J = ∂rhs/∂θ (exact, by forward-mode dual numbers).
///
/// ```swift
/// let formula = try Formula(parsing: "y = b1/(1+exp(b2-b3*x))")
/// let model = try FormulaModel(formula: formula, data: try DataTable(contentsOfFile: "data.csv"))
/// model.parameterNames   // ["b1", "b2", "b3"]
/// ```
///
/// Identifiers that name a data column are data; every other identifier on the right of `=`
/// is a parameter, numbered in order of first appearance. The left side may use only data
/// columns and constants.
///
/// **Threads.** The model is a `Sendable` value and may be evaluated from any number of
/// threads at once. Each model value owns one set of scratch buffers behind a lock; an
/// evaluation that finds them busy (another thread evaluating the same model) runs on freshly
/// allocated buffers instead of waiting, so sharing is always correct but the allocation-free
/// fast path belongs to one thread at a time. For parallel fits, build one model per task
/// (cheap) or accept the occasional allocation.
public struct FormulaModel: LeastSquaresProblem, Sendable {
    public let formula: Formula
    /// Parameters in order of first appearance on the right of `=`; θ is indexed likewise.
    public let parameterNames: [String]
    /// Number of data rows (= residuals).
    public let observationCount: Int
    /// The left side evaluated on every row (the observations).
    public let observedValues: [Double]

    let compiled: CompiledFormula
    private let scratch: FormulaScratchBox
    /// The data the compiled right side was built from: every column name (they decide which
    /// identifiers are parameters) and the columns the right side reads.
    private let columnNames: Set<String>
    private let rightSideColumns: [(name: String, values: [Double])]

    public var residualCount: Int { observationCount }
    public var parameterCount: Int { parameterNames.count }

    /// Binds `formula` to `data`; throws `FormulaError` if the left side uses something other
    /// than data columns and constants, if nothing is left to fit, or if a data-only part of
    /// the formula is not finite on some row (e.g. `log(y)` with y ≤ 0).
    public init(formula: Formula, data: DataTable) throws(FormulaError) {
        let columns = Set(data.columnNames)
        let rhsParameters = formula.parameterNames(dataColumns: columns)
        for name in formula.lhs.identifiers where !columns.contains(name) {
            if rhsParameters.contains(name) {
                throw .parameterOnLeft(name, data: data.name, columns: data.columnNames)
            }
            throw .notAColumn(name, data: data.name, columns: data.columnNames)
        }
        guard !rhsParameters.isEmpty else {
            throw .noParameters(formula: formula.source, data: data.name)
        }
        guard data.rowCount > 0 else { throw .noData(data: data.name) }

        let rows = data.rowCount
        func locate(_ expression: FormulaExpression, row: Int?) -> String {
            guard let row else { return "every row of \(data.name) (it is a constant)" }
            let place = data.rowLineNumbers.map { "line \($0[row]) of \(data.name)" }
                ?? "row \(row + 1) of \(data.name)"
            let used = expression.identifiers.filter(columns.contains)
            var shown = used.prefix(5).map { name in
                "\(PrintableText.cut(name)) = \(FormulaExpression.format(data.column(name)![row]))"
            }
            if used.count > 5 { shown.append("…") }
            return shown.isEmpty ? place : "\(place) (\(shown.joined(separator: ", ")))"
        }

        // Left side: parameter-free, so compilation evaluates it completely.
        let lhs: CompiledFormula
        do throws(CompiledFormula.Failure) {
            lhs = try CompiledFormula(expression: formula.lhs, rowCount: rows, parameters: [:], column: data.column)
        } catch {
            switch error {
            case .notFinite(let expression, let row):
                throw .notFinite(expression: expression.description, side: "left", location: locate(expression, row: row))
            }
        }
        observedValues = (0..<rows).map { lhs.outputValue(lhs.initialValues, row: $0) }

        var index: [String: Int] = [:]
        for (j, name) in rhsParameters.enumerated() { index[name] = j }
        do throws(CompiledFormula.Failure) {
            compiled = try CompiledFormula(expression: formula.rhs, rowCount: rows, parameters: index, column: data.column)
        } catch {
            switch error {
            case .notFinite(let expression, let row):
                throw .notFinite(expression: expression.description, side: "right", location: locate(expression, row: row))
            }
        }
        self.formula = formula
        self.parameterNames = rhsParameters
        self.observationCount = rows
        self.scratch = FormulaScratchBox(FormulaScratch(compiled))
        self.columnNames = columns
        self.rightSideColumns = formula.rhs.identifiers.filter(columns.contains).map { ($0, data.column($0)!) }
    }

    private init(_ model: FormulaModel, observedValues: [Double]) {
        formula = model.formula
        parameterNames = model.parameterNames
        observationCount = model.observationCount
        self.observedValues = observedValues
        compiled = model.compiled
        scratch = model.scratch
        columnNames = model.columnNames
        rightSideColumns = model.rightSideColumns
    }

    /// The same formula bound to another data table, compiling the right side only if it has
    /// to: when `data` has the same column names and, row for row, the same values in every
    /// column the right side reads (a batch of series observed at the same times), the
    /// compiled right side is shared and only the left side (the observations) is evaluated
    /// anew. Otherwise this is `FormulaModel(formula: formula, data: data)`.
    ///
    /// ```swift
    /// let first = try FormulaModel(formula: logistic, data: series[0])   // compiles
    /// for table in series.dropFirst() {
    ///     let model = try first.binding(table)                           // reuses the tape
    ///     _ = try LevenbergMarquardt().minimize(model, from: start(table))
    /// }
    /// ```
    ///
    /// The result computes exactly what a freshly built model computes. It shares this
    /// model's scratch buffers (see **Threads** above): correct from any thread, allocation
    /// free for one thread at a time.
    public func binding(_ data: DataTable) throws(FormulaError) -> FormulaModel {
        guard data.rowCount == observationCount, Set(data.columnNames) == columnNames,
              rightSideColumns.allSatisfy({ column in
                  data.column(column.name).map { Self.identical($0, column.values) } ?? false
              })
        else { return try FormulaModel(formula: formula, data: data) }
        let lhs: CompiledFormula
        do throws(CompiledFormula.Failure) {
            lhs = try CompiledFormula(expression: formula.lhs, rowCount: data.rowCount, parameters: [:], column: data.column)
        } catch {
            // Build from scratch for the full error message with its location.
            return try FormulaModel(formula: formula, data: data)
        }
        return FormulaModel(self, observedValues: (0..<data.rowCount).map { lhs.outputValue(lhs.initialValues, row: $0) })
    }

    /// Bit-for-bit equality (so that −0 and 0, or two NaNs, are told apart as the tape would).
    private static func identical(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    public func residuals(at parameters: [Double], into residuals: inout [Double]) -> Bool {
        let m = observationCount
        if residuals.count != m { residuals = [Double](repeating: 0, count: m) }
        return scratch.withScratch(compiled) { s in
            compiled.evaluateValues(parameters, &s)
            return Self.subtract(
                s.values, compiled.outputOffset, compiled.outputStride, observedValues, into: &residuals)
        }
    }

    public func jacobian(at parameters: [Double], into jacobian: inout Matrix) -> Bool {
        let m = observationCount, n = parameterCount
        if jacobian.rows != m || jacobian.columns != n { jacobian = Matrix(rows: m, columns: n) }
        return scratch.withScratch(compiled) { s in
            compiled.evaluateDerivatives(parameters, &s)
            // Where the model itself is undefined (log of a negative), the derivative formulas
            // can still give finite numbers; such a Jacobian is meaningless, so reject it too.
            var finite = Self.allFinite(s.values, compiled.outputOffset, compiled.outputStride == 1 ? m : 1)
            for j in 0..<n {
                let offset = compiled.outputPartialOffsets[j]
                if offset < 0 {
                    Self.fillZero(&jacobian.elements, j * m, m)
                } else {
                    finite = Self.copy(s.partials, offset, compiled.outputStride, m, into: &jacobian.elements, at: j * m) && finite
                }
            }
            return finite
        }
    }

    /// The right side evaluated at `parameters` on every row (NaN where undefined).
    public func fittedValues(at parameters: [Double]) -> [Double] {
        scratch.withScratch(compiled) { s in
            compiled.evaluateValues(parameters, &s)
            return (0..<observationCount).map { compiled.outputValue(s.values, row: $0) }
        }
    }
}

extension FormulaModel {
    // Output loops over span views (see the kernel notes in CompiledFormula.swift).
    // Finiteness is checked in a separate, branch-free pass (`Span.allFinite`).


    /// r[i] = values[o + i·stride] − observed[i]; false if any r[i] is NaN or ±∞.
    static func subtract(_ values: [Double], _ o: Int, _ stride: Int, _ observed: [Double], into r: inout [Double]) -> Bool {
        let m = observed.count
        var rs = r.mutableSpan
        let vs = values.span, obs = observed.span
        precondition(rs.count == m && o >= 0 && o <= vs.count - (stride == 1 ? m : 1))
        if stride == 1 {
            for i in 0..<m { rs[i] = vs[o &+ i] - obs[i] }
        } else {
            let y = vs[o]
            for i in 0..<m { rs[i] = y - obs[i] }
        }
        return allFinite(rs, 0, m)
    }

    /// e[base + i] = partials[o + i·stride] for i in 0..<m; false if any is NaN or ±∞.
    static func copy(_ partials: [Double], _ o: Int, _ stride: Int, _ m: Int, into e: inout [Double], at base: Int) -> Bool {
        var es = e.mutableSpan
        let ps = partials.span
        precondition(base >= 0 && base <= es.count - m && o >= 0 && o <= ps.count - (stride == 1 ? m : 1))
        if stride == 1 {
            for i in 0..<m { es[base &+ i] = ps[o &+ i] }
            return allFinite(es, base, m)
        }
        let x = ps[o]
        for i in 0..<m { es[base &+ i] = x }
        return x.isFinite
    }

    @inline(__always)
    private static func allFinite(_ s: borrowing MutableSpan<Double>, _ start: Int, _ m: Int) -> Bool {
        s.span.allFinite(offset: start, count: m)
    }

    static func allFinite(_ values: [Double], _ start: Int, _ m: Int) -> Bool {
        values.span.allFinite(offset: start, count: m)
    }

    static func fillZero(_ e: inout [Double], _ base: Int, _ m: Int) {
        var es = e.mutableSpan
        precondition(base >= 0 && base <= es.count - m)
        for i in 0..<m { es[base &+ i] = 0 }
    }
}

/// The scratch buffers of one `FormulaModel`, behind a lock that is only ever tried: a busy
/// lock means another thread is evaluating the same model, and the caller then uses
/// temporary buffers instead of waiting.
final class FormulaScratchBox: Sendable {
    private let mutex: Mutex<FormulaScratch>

    init(_ scratch: FormulaScratch) {
        mutex = Mutex(scratch)
    }

    @inline(__always)
    func withScratch<R: Sendable>(_ compiled: CompiledFormula, _ body: (inout FormulaScratch) -> R) -> R {
        if let result = mutex.withLockIfAvailable({ body(&$0) }) {
            return result
        }
        var fresh = FormulaScratch(compiled)
        return body(&fresh)
    }
}
