import ArgumentParser
import Fitting
import Scenarios
import Reporting

/// `uptake fit`: nonlinear least squares of a formula model to a CSV file.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit a formula model to a CSV file by Levenberg–Marquardt least squares.",
        discussion: """
            Identifiers in the formula that name a CSV column are data; every other identifier \
            is a parameter and needs a starting value. The left side may be an expression of \
            data columns, e.g. "log(y) = b1 - b2*x1*exp(-b3*x2)". A name that is near a column \
            but not one (a misspelling) is pointed out: "did you mean 'period'?".

            Dates: a column whose first value is a date, YYYY-MM-DD or YYYY-MM (the month's \
            last day), is read as decimal years, as scenarios place dates on the time axis: \
            the end of the day, year + day of year/days in year (2024-06-30 = 2024.4945, \
            2025-12-31 and 2025-12 = 2026.0). Use it like a number column: with \
            "y = K/(1+exp(-r*(date-t0)))", t0 is a decimal year.

            Operators: + - * / ^ (or **), unary minus, parentheses; ^ binds tighter than unary \
            minus and is right-associative. Functions: exp log sqrt sin cos tan atan abs; \
            constant pi.

            The solver is MINPACK's Levenberg–Marquardt (ftol = xtol = 1e-14, at most \
            200·(parameters+1) evaluations) with exact derivatives; standard errors come from \
            the SVD of the Jacobian, s²(JᵀJ)⁺ with s² = RSS/(n − p). 95 % intervals are \
            estimate ± t·std_error with t the 0.975 quantile of Student's t with n − p degrees of \
            freedom (the linearised intervals scipy users compute from curve_fit's pcov; only \
            approximate for a strongly nonlinear model).

            --format json prints {"parameters": {NAME: {"estimate", "std_error", "lower_95", \
            "upper_95"}}, "rss", "residual_sd", "dof", "iterations", "evaluations", "converged", \
            "termination", "unidentified"}; non-finite numbers are null; unidentified lists the \
            parameters the data do not determine (their std_error is null). termination is one \
            of: \(Termination.allCases.map(\.rawValue).joined(separator: ", ")).

            --format csv prints one row per parameter: name,value,standard_error,lower_95,upper_95 \
            (an empty field where there is no number).

            Numbers have at most --digits significant digits (default 10, as in every output \
            file); --digits 17 prints every double exactly (e.g. to measure the solver's \
            accuracy against NIST's certified values).

            Exit codes: 0 converged; 2 bad input; 3 did not converge (the report is still printed).

            Example:
              uptake fit --formula "pct = K/(1+exp(-r*(period-t0)))" \\
                         --data Scenarios/data/vietnam_internet_users_pct_1996_2023.csv \\
                         --start K=80,r=0.3,t0=2010
            """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case table, json, csv
    }

    @Option(help: ArgumentHelp("The model, 'lhs = rhs'.", valueName: "formula"))
    var formula: String

    @Option(help: ArgumentHelp("CSV file whose header row names its columns.", valueName: "file.csv"))
    var data: String

    @Option(help: ArgumentHelp("Starting values for every parameter, e.g. b1=100,b2=1,b3=0.1.",
                               valueName: "name=value,..."))
    var start: String

    @Option(help: "Output format: table (a short report), json or csv (for scripts).")
    var format: OutputFormat = .table

    @Option(parsing: .unconditional, help: ArgumentHelp("Significant digits of the numbers printed (1…17; 17: every bit).",
                                                        valueName: "count"))
    var digits = 10

    @Option(parsing: .unconditional, help: ArgumentHelp("Budget of residual evaluations (default 200·(parameters+1)).",
                               valueName: "count"))
    var maxEvaluations: Int?

    @Flag(help: ArgumentHelp("Do not stop a run whose parameters run off to infinity early (termination "
                             + "'diverging'); spend the whole budget instead."))
    var noDivergenceStop = false

    func validate() throws {
        if let maxEvaluations, maxEvaluations < 1 {
            throw ValidationError("--max-evaluations must be a positive whole number, got \(maxEvaluations).")
        }
        guard FitReport.digitRange.contains(digits) else {
            throw ValidationError("--digits must be a whole number from 1 to 17, got \(digits).")
        }
    }

    func run() throws {
        let parsedFormula: Formula
        do { parsedFormula = try Formula(parsing: formula) } catch { throw InputError("\(error)") }
        let table: DataTable
        do { table = try DataTable(contentsOfFile: data) } catch { throw InputError("\(error)") }
        let model: FormulaModel
        do { model = try FormulaModel(formula: parsedFormula, data: table) } catch { throw InputError("\(error)") }

        let used = Set(parsedFormula.identifiers)
        let startValues = try StartValues(parsing: start).ordered(
            as: model.parameterNames, columns: table.columnNames,
            unusedColumns: table.columnNames.filter { !used.contains($0) }, data: data)
        guard model.observationCount >= model.parameterNames.count else {
            throw InputError("\(data) has \(counted(model.observationCount, "data row")) but the formula has "
                + "\(counted(model.parameterNames.count, "parameter")) (\(model.parameterNames.joined(separator: ", "))): "
                + "need at least as many rows as parameters")
        }

        var options = LevenbergMarquardt.Options()
        options.maxEvaluations = maxEvaluations
        if noDivergenceStop { options.divergenceGrowth = .infinity }
        let fit: LeastSquaresFit
        do {
            fit = try LevenbergMarquardt(options: options).minimize(model, from: startValues)
        } catch {
            throw InputError("\(error)")
        }

        let report = FitReport(formula: formula, dataFile: data, parameterNames: model.parameterNames, fit: fit,
                               dateColumns: table.dateColumns.filter(used.contains), digits: digits)
        switch format {
        case .table: print(report.table(), terminator: "")
        case .json: print(report.json())
        case .csv: print(report.csv(), terminator: "")
        }
        if !fit.converged { throw ExitCode(ExitStatus.failed.rawValue) }
    }
}
