/// Per-evaluation storage for a `CompiledFormula`: register values and partial derivatives,
/// plus the parameters the values were last computed at (so that a Jacobian requested at the
/// point of the last residual evaluation reuses the values).
struct FormulaScratch: Sendable {
    var values: [Double]
    var partials: [Double]
    var valuesParameters: [Double]
    var valuesValid = false

    init(_ compiled: CompiledFormula) {
        values = compiled.initialValues
        partials = compiled.initialPartials
        valuesParameters = [Double](repeating: .nan, count: compiled.parameterCount)
    }
}
