import ArgumentParser
import Foundation
import Reporting
import Scenarios

/// `uptake export`: results in the form other tools open. One kind for now: notebooks.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export results for other tools (Jupyter notebooks).",
        discussion: """
            Example:
              uptake export notebook Results --out Notebooks-export
            """,
        subcommands: [ExportNotebookCommand.self]
    )
}

/// `uptake export notebook [RESULTS] --out DIR`: a Jupyter notebook per scenario folder and
/// an overview (``NotebookExport``).
struct ExportNotebookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notebook",
        abstract: "Write Jupyter notebooks that load a results folder with pandas and plot it.",
        discussion: """
            Writes <out>/<id>.ipynb for every scenario folder of RESULTS (a folder holding a \
            run.json) and <out>/overview.ipynb. The notebooks read the CSV files by paths \
            relative to themselves, draw the fans with matplotlib, show the feasibility and fit \
            tables, the assumptions, and seek.csv, families.csv and sensitivity.csv when present. \
            The observations come from the scenario file run.json names, read now. The notebooks \
            are not executed: open them in Jupyter, or run scripts/execute-notebooks.py (make run \
            does both).

            Exit codes: 0 ok; 2 RESULTS holds no scenario folder, or a run.json or table could \
            not be read (the other notebooks are still written).

            Example:
              uptake run Scenarios/ --out Results
              uptake export notebook Results --out Notebooks-export
            """
    )

    @Argument(help: "The results folder (written by uptake run).")
    var results: String = "Results"

    @Option(help: "Folder for the notebooks.")
    var out: String = "Notebooks-export"

    func run() throws {
        let folder = ResultsFolder(results)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: results, isDirectory: &isFolder), isFolder.boolValue else {
            throw InputError("\(results): no such folder; give the folder uptake run wrote (--out)")
        }
        guard !folder.scenarioIDs().isEmpty else {
            throw InputError("\(results): no scenario folders (sub-folders holding a run.json); run uptake run first")
        }
        let (written, problems) = try NotebookExport(results: folder, folder: out).write()
        for problem in problems { printError("error: \(problem)") }
        let scenarios = written.count - 1
        print("wrote \(written.count) notebooks to \(out)/ (\(scenarios) scenario\(scenarios == 1 ? "" : "s") and \(NotebookExport.overviewName))")
        if !problems.isEmpty { throw ExitCode(ExitStatus.badInput.rawValue) }
    }
}
