import Fitting
import Foundation
import Reporting
import TextIO

/// Renders a least-squares fit for people (a brief report in the manner of Ceres'
/// `Solver::Summary::BriefReport`) and for scripts (the JSON contract of `uptake fit`).
struct FitReport {
    let formula: String
    let dataFile: String
    let parameterNames: [String]
    let fit: LeastSquaresFit

    /// The stable JSON contract; keys in a fixed order, non-finite numbers as null.
    func json() -> String {
        var parameters: [(String, JSONValue)] = []
        for (index, name) in parameterNames.enumerated() {
            parameters.append((name, .object([
                ("estimate", .number(fit.parameters[index])),
                ("std_error", .number(fit.standardErrors[index])),
            ])))
        }
        let document = JSONValue.object([
            ("parameters", .object(parameters)),
            ("rss", .number(fit.rss)),
            ("residual_sd", .number(fit.residualSD)),
            ("dof", .integer(fit.dof)),
            ("iterations", .integer(fit.iterations)),
            ("evaluations", .integer(fit.evaluations)),
            ("converged", .bool(fit.converged)),
            ("termination", .string(fit.termination.rawValue)),
            ("unidentified", .array(fit.unidentifiedParameters.map { .string(parameterNames[$0]) })),
        ])
        return document.rendered()
    }

    /// A human report of a few lines.
    func table() -> String {
        var lines: [String] = []
        let n = parameterNames.count
        let m = fit.dof + n
        lines.append("Fit of \(formula)")
        lines.append("  data \(dataFile): \(m) observations, \(n) parameters, \(fit.dof) degrees of freedom")
        let status = fit.converged ? "Converged" : "NOT CONVERGED"
        lines.append("  \(status) after \(fit.iterations) iterations (\(fit.evaluations) evaluations): "
            + "\(fit.termination.rawValue), \(fit.termination.explanation)")
        lines.append("")
        let width = max(9, parameterNames.map(\.count).max() ?? 0)
        lines.append(pad("parameter", width) + "  " + pad("estimate", 17, left: true) + "  " + pad("std. error", 17, left: true))
        for (index, name) in parameterNames.enumerated() {
            lines.append(pad(name, width) + "  "
                + pad(scientific(fit.parameters[index]), 17, left: true) + "  "
                + pad(scientific(fit.standardErrors[index]), 17, left: true))
        }
        lines.append("")
        lines.append("RSS \(scientific(fit.rss))   residual SD \(scientific(fit.residualSD))")
        if !fit.unidentifiedParameters.isEmpty {
            let names = fit.unidentifiedParameters.map { parameterNames[$0] }.joined(separator: ", ")
            lines.append("warning: the data do not identify \(names): the Jacobian is rank deficient there, "
                + "so no standard error is given; fix or reparameterise \(names), or add data that vary it")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return left ? fill + s : s + fill
    }
}

/// `1.2345678901E+02`: eleven significant digits, NIST's notation; "—" for NaN.
func scientific(_ x: Double) -> String {
    guard x.isFinite else { return x.isNaN ? "—" : (x > 0 ? "inf" : "-inf") }
    return String(format: "%.10E", x)
}
