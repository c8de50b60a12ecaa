import Fitting
import Foundation
import Reporting
import TextIO

/// Renders a least-squares fit for people (a brief report in the manner of Ceres'
/// `Solver::Summary::BriefReport`) and for scripts (the JSON and CSV contracts of `uptake fit`).
///
/// Every number is rounded to `digits` significant digits (10 by default, as in every output
/// file; 17 keeps every bit of the double, for comparisons such as the NIST LRE table).
struct FitReport {
    let formula: String
    let dataFile: String
    let parameterNames: [String]
    let fit: LeastSquaresFit
    /// The data columns read from dates, as decimal years.
    var dateColumns: [String] = []
    var digits = 10

    static let digitRange = 1...17
    static let csvHeader = ["name", "value", "standard_error", "lower_95", "upper_95"]

    private var intervals: ParameterConfidenceIntervals { ParameterConfidenceIntervals(fit, level: 0.95) }

    /// x to `digits` significant digits: the double nearest the rounded decimal, whose
    /// shortest representation (Swift's `description`) is that decimal. NaN and ±∞ pass.
    func rounded(_ x: Double) -> Double {
        guard digits < 17, x.isFinite, x != 0 else { return x }
        return Double(String(format: "%.\(digits - 1)e", x)) ?? x
    }

    /// The stable JSON contract; keys in a fixed order, non-finite numbers as null.
    func json() -> String {
        let ci = intervals
        var parameters: [(String, JSONValue)] = []
        for (index, name) in parameterNames.enumerated() {
            parameters.append((name, .object([
                ("estimate", number(fit.parameters[index])),
                ("std_error", number(fit.standardErrors[index])),
                ("lower_95", number(ci.lower[index])),
                ("upper_95", number(ci.upper[index])),
            ])))
        }
        let document = JSONValue.object([
            ("parameters", .object(parameters)),
            ("rss", number(fit.rss)),
            ("residual_sd", number(fit.residualSD)),
            ("dof", .integer(fit.dof)),
            ("iterations", .integer(fit.iterations)),
            ("evaluations", .integer(fit.evaluations)),
            ("converged", .bool(fit.converged)),
            ("termination", .string(fit.termination.rawValue)),
            ("unidentified", .array(fit.unidentifiedParameters.map { .string(parameterNames[$0]) })),
        ])
        return document.rendered()
    }

    /// One row per parameter: name,value,standard_error,lower_95,upper_95 (RFC 4180; an
    /// empty field where a number is not available, e.g. the standard error of a parameter
    /// the data do not identify).
    func csv() -> String {
        let ci = intervals
        var table = CSVTable(header: Self.csvHeader)
        for (index, name) in parameterNames.enumerated() {
            table.append([name] + [fit.parameters[index], fit.standardErrors[index], ci.lower[index], ci.upper[index]].map(text))
        }
        return table.text
    }

    /// A human report of a few lines.
    func table() -> String {
        let ci = intervals
        var lines: [String] = []
        let n = parameterNames.count
        let m = fit.dof + n
        lines.append("Fit of \(formula)")
        lines.append("  data \(dataFile): \(counted(m, "observation")), \(counted(n, "parameter")), "
            + "\(counted(fit.dof, "degree of freedom", plural: "degrees of freedom"))")
        if !dateColumns.isEmpty {
            lines.append("  \(dateColumns.map { "'\($0)'" }.joined(separator: ", ")) read from dates as decimal years "
                + "(the end of the day: 2024-06-30 = 2024.4945, 2025-12-31 = 2026.0)")
        }
        let status = fit.converged ? "Converged" : "NOT CONVERGED"
        lines.append("  \(status) after \(counted(fit.iterations, "iteration")) (\(counted(fit.evaluations, "evaluation"))): "
            + "\(fit.termination.rawValue), \(fit.termination.explanation)")
        lines.append("")
        var rows = [["parameter", "estimate", "std. error", "lower 95 %", "upper 95 %"]]
        for (index, name) in parameterNames.enumerated() {
            rows.append([name] + [fit.parameters[index], fit.standardErrors[index], ci.lower[index], ci.upper[index]]
                .map { scientific($0, digits: digits) })
        }
        let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        for row in rows {
            lines.append(zip(row, widths).enumerated().map { c, cell in
                let fill = String(repeating: " ", count: cell.1 - cell.0.count)
                return c == 0 ? cell.0 + fill : fill + cell.0
            }.joined(separator: "  "))
        }
        lines.append("")
        lines.append("RSS \(scientific(fit.rss, digits: digits))   residual SD \(scientific(fit.residualSD, digits: digits))")
        if ci.tQuantile.isFinite {
            lines.append("95 % intervals: estimate ± \(String(format: "%.4f", ci.tQuantile)) × std. error "
                + "(Student's t, \(counted(fit.dof, "degree of freedom", plural: "degrees of freedom")); "
                + "linearised, so only approximate for a strongly nonlinear model)")
        }
        if !fit.unidentifiedParameters.isEmpty {
            let names = fit.unidentifiedParameters.map { parameterNames[$0] }.joined(separator: ", ")
            lines.append("warning: the data do not identify \(names): the Jacobian is rank deficient there, "
                + "so no standard error is given; fix or reparameterise \(names), or add data that vary it")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func number(_ x: Double) -> JSONValue { .number(rounded(x)) }

    private func text(_ x: Double) -> String { x.isFinite ? "\(rounded(x))" : "" }
}

/// `8.962733858E+01`: `digits` significant digits (10 unless told), NIST's notation; "—"
/// for NaN.
func scientific(_ x: Double, digits: Int = 10) -> String {
    guard x.isFinite else { return x.isNaN ? "—" : (x > 0 ? "inf" : "-inf") }
    return String(format: "%.\(digits - 1)E", x)
}
