import Fitting
import LinearAlgebra

/// libFuzzer target: a formula (the bytes as UTF-8) through the parser, and when it parses,
/// through the tape compiler and one evaluation with derivatives on a small data table with
/// columns x and y (what `uptake fit --formula` does before the solver). Every error must be
/// one line. See docs/fuzzing.md.
private let table = DataTable(columns: ["x": [1, 2, 3, 4], "y": [2.1, 3.9, 6.2, 7.8]], order: ["x", "y"], name: "data.csv")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFormula(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do throws(FormulaError) {
        let formula = try Formula(parsing: text)
        _ = formula.description
        let model = try FormulaModel(formula: formula, data: table)
        let parameters = [Double](repeating: 1, count: model.parameterCount)
        var residuals = [Double](repeating: 0, count: model.residualCount)
        var jacobian = Matrix(rows: model.residualCount, columns: model.parameterCount)
        _ = model.residuals(at: parameters, into: &residuals)
        _ = model.jacobian(at: parameters, into: &jacobian)
    } catch {
        FuzzInvariant.oneLine("\(error)")
    }
    return 0
}
