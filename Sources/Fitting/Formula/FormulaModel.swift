import LinearAlgebra
import Synchronization

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
            let shown = expression.identifiers.filter(columns.contains).map { name in
                "\(name) = \(FormulaExpression.format(data.column(name)![row]))"
            }
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
    }

    public func residuals(at parameters: [Double], into residuals: inout [Double]) -> Bool {
        let m = observationCount
        if residuals.count != m { residuals = [Double](repeating: 0, count: m) }
        return scratch.withScratch(compiled) { s in
            compiled.evaluateValues(parameters, &s)
            let o = compiled.outputOffset, stride = compiled.outputStride
            var check = 0.0
            for i in 0..<m {
                let r = s.values[o + i * stride] - observedValues[i]
                residuals[i] = r
                check += r * 0   // NaN as soon as any r is NaN or ±∞
            }
            return check == 0
        }
    }

    public func jacobian(at parameters: [Double], into jacobian: inout Matrix) -> Bool {
        let m = observationCount, n = parameterCount
        if jacobian.rows != m || jacobian.columns != n { jacobian = Matrix(rows: m, columns: n) }
        return scratch.withScratch(compiled) { s in
            compiled.evaluateDerivatives(parameters, &s)
            let stride = compiled.outputStride
            var check = 0.0
            for j in 0..<n {
                let base = j * m
                let offset = compiled.outputPartialOffsets[j]
                if offset < 0 {
                    for i in 0..<m { jacobian.elements[base + i] = 0 }
                } else {
                    for i in 0..<m {
                        let d = s.partials[offset + i * stride]
                        jacobian.elements[base + i] = d
                        check += d * 0
                    }
                }
            }
            return check == 0
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
