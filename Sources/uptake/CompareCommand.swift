import ArgumentParser
import Reporting
import TextIO

/// `uptake compare A B`: two sets of forecasts side by side, optionally scored against what
/// was observed (issue 5, item 1).
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two forecast sets (forecast.csv files or Results folders), optionally against actuals.",
        discussion: """
            A and B are forecast.csv files or Results folders (a folder means every \
            <id>/forecast.csv in it). For each scenario × variant × target_end_date in both: \
            the medians, their difference B − A and relative difference (B − A)/|A|, and the \
            ratio of the 90 % interval widths (q0.95 − q0.05) B/A. Rows in only one of them \
            are listed.

            --actuals FILE (columns scenario,date,value, or hubverse target data \
            target_end_date,location,target,observation) scores every forecast whose \
            target_end_date has an observation: the weighted interval score (WIS; Bracher et \
            al. 2021, as scoringutils computes it) with its dispersion, overprediction and \
            underprediction, the absolute error of the median, 50 % and 90 % interval \
            coverage, and the relative WIS of B against A (mean WIS of B / mean WIS of A over \
            the forecasts both score; below 1: B is better).

            --tolerance REL is for regression checks: exit 1, naming the rows, if any median \
            differs relatively by more than REL, or a row is in only one of A and B.

            Exit codes: 0 ok; 1 --tolerance found a difference; 2 bad input (not a forecast \
            file, no scenario in common, actuals that match no forecast date).

            Examples:
              uptake run Scenarios/ --out New && uptake compare Results New
              uptake compare Results/vung-tau-market-qr/forecast.csv \\
                  New/vung-tau-market-qr/forecast.csv --tolerance 0.01 --format csv
            """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

    @Argument(help: "The reference forecasts: a forecast.csv file or a Results folder.")
    var a: String

    @Argument(help: "The forecasts compared with A: a forecast.csv file or a Results folder.")
    var b: String

    @Option(help: "Observed values: scenario,date,value or hubverse target_end_date,location,target,observation.")
    var actuals: String?

    @Option(parsing: .unconditional, help: "Exit 1 if a median differs relatively by more than this (e.g. 0.01), or a row is missing.")
    var tolerance: Double?

    @Option(help: "table, csv or json.")
    var format: OutputFormat = .table

    func validate() throws {
        if let tolerance, !(tolerance.isFinite && tolerance >= 0) {
            throw ValidationError("--tolerance must be a number ≥ 0, got \(tolerance).")
        }
    }

    func run() throws {
        var comparison: ForecastComparison
        do {
            comparison = try ForecastComparison(a: try load(a), b: try load(b), pathA: a, pathB: b)
        } catch let error as ForecastComparisonError { throw InputError(error.description) }

        if let actuals {
            let file: ActualsFile
            do { file = try ActualsFile.read(actuals) } catch let error as ForecastFileError { throw InputError(error.description) }
            do {
                if let note = try comparison.score(against: file) { printError("uptake: note: \(note)") }
            } catch let error as ForecastComparisonError { throw InputError(error.description) }
        }

        switch format {
        case .table: print(comparison.table, terminator: "")
        case .csv: print(comparison.csv.text, terminator: "")
        case .json: print(comparison.json.rendered())
        }

        if let tolerance {
            let offending = comparison.rows(differingBeyond: tolerance)
            if !offending.isEmpty {
                printError("uptake: \(offending.count) of \(counted(comparison.rows.count, "forecast")) "
                    + "\(offending.count == 1 ? "differs" : "differ") by more than the tolerance \(tolerance):")
                for row in offending {
                    switch row.status {
                    case .onlyInA: printError("  \(row.key): only in A (\(a))")
                    case .onlyInB: printError("  \(row.key): only in B (\(b))")
                    case .both:
                        printError("  \(row.key): median \(ForecastComparison.number(row.medianA)) → "
                            + "\(ForecastComparison.number(row.medianB)) (\(ForecastComparison.percent(row.relativeDifference)))")
                    }
                }
                throw ExitCode(1)
            }
        }
    }

    private func load(_ path: String) throws -> ForecastFile {
        do { return try ForecastFile.load(path) } catch let error as ForecastFileError {
            throw InputError(error.description)
        }
    }
}
