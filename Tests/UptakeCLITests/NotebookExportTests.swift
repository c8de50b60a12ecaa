import Foundation
import XCTest

/// `uptake export notebook` end to end: from a small `uptake run` (a bundled scenario with an
/// observation and a flow metric with its running total, 500 paths) and the seek, families
/// and sensitivity tables, it writes valid nbformat 4 notebooks that a real Jupyter kernel
/// (the `.venv/` of `make venv`) runs top to bottom without an error, drawing every fan.
final class NotebookExportTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-notebooks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("Results"), withIntermediateDirectories: true)
        let root = RunCommandTests.packageRoot
        for source in ["Scenarios/vung-tau-market-qr.yaml", "Tests/Data/flow/ewallet-signups.yaml"] {
            try FileManager.default.copyItem(at: root.appendingPathComponent(source),
                                             to: directory.appendingPathComponent((source as NSString).lastPathComponent))
        }
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private func uptake(_ arguments: [String]) throws -> ExecutableRunner.Result {
        try ExecutableRunner.run("uptake", arguments, timeout: 120, currentDirectory: directory)
    }

    private func json(_ relative: String) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent(relative))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any], relative)
    }

    func testExportedNotebooksRunUnderARealKernelWithoutErrors() throws {
        let python = try ExternalTool.notebookPython()
        let run = try uptake(["run", "vung-tau-market-qr.yaml", "ewallet-signups.yaml", "--paths", "500", "--out", "Results"])
        XCTAssertEqual(run.exitCode, 0, run.stderr)
        let results = directory.appendingPathComponent("Results")
        try AnalysisTableFixtures.write("seek.csv", header: AnalysisTableFixtures.seekHeader, rows: [
            "ewallet-signups,350k accounts in total by 2026,growth_multiplier,0.8,1.3,0.02,0.8,0.004,0.3,2026-10-31,fixture",
        ], in: results)
        try AnalysisTableFixtures.writeFamilies(in: results)
        try AnalysisTableFixtures.write("sensitivity.csv", header: AnalysisTableFixtures.sensitivityHeader, rows: [
            "ewallet-signups,350k accounts in total by 2026,growth_rate,low,0.5,0.21,0.004",
            "ewallet-signups,350k accounts in total by 2026,growth_rate,high,1.5,0.52,0.005",
            "ewallet-signups,350k accounts in total by 2026,ceiling,low,300000,0.25,0.004",
            "ewallet-signups,350k accounts in total by 2026,ceiling,high,600000,0.33,0.005",
        ], in: results)

        let export = try uptake(["export", "notebook", "Results", "--out", "Notebooks"])
        XCTAssertEqual(export.exitCode, 0, export.stderr)
        XCTAssertEqual(export.stdout, "wrote 3 notebooks to Notebooks/ (2 scenarios and overview.ipynb)\n")
        let names = ["ewallet-signups.ipynb", "overview.ipynb", "vung-tau-market-qr.ipynb"]
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("Notebooks").path).sorted(), names)

        // nbformat 4: sources are lists of lines, outputs empty, paths relative to the notebook.
        let exported = try json("Notebooks/vung-tau-market-qr.ipynb")
        XCTAssertEqual(exported["nbformat"] as? Int, 4)
        let cells = try XCTUnwrap(exported["cells"] as? [[String: Any]])
        for cell in cells {
            let source = try XCTUnwrap(cell["source"] as? [String])
            XCTAssertTrue(source.dropLast().allSatisfy { $0.hasSuffix("\n") }, "\(source)")
            if cell["cell_type"] as? String == "code" { XCTAssertEqual((cell["outputs"] as? [Any])?.count, 0) }
        }
        let code = cells.compactMap { ($0["source"] as? [String])?.joined() }.joined(separator: "\n")
        XCTAssertTrue(code.contains("RESULTS = Path(\"../Results/vung-tau-market-qr\")"), code)
        XCTAssertTrue(code.contains("\"date\": pd.to_datetime([\"2022-03-31\", \"2022-07-25\"])"), "launch and observation")

        let execute = try ExecutableRunner.run(executable: python, [
            RunCommandTests.packageRoot.appendingPathComponent("scripts/execute-notebooks.py").path, "--timeout", "120",
        ] + names.map { "Notebooks/\($0)" }, timeout: 600, currentDirectory: directory)
        XCTAssertEqual(execute.exitCode, 0, execute.stdout + execute.stderr)
        XCTAssertEqual(execute.stderr, "", "a cell wrote to stderr (a warning?)")

        for name in names {
            let notebook = try json("Notebooks/\(name)")
            let codeCells = (notebook["cells"] as? [[String: Any]] ?? []).filter { $0["cell_type"] as? String == "code" }
            XCTAssertFalse(codeCells.isEmpty)
            var images = 0
            for cell in codeCells {
                XCTAssertNotNil(cell["execution_count"] as? Int, "\(name): a cell did not run")
                for output in cell["outputs"] as? [[String: Any]] ?? [] {
                    XCTAssertNotEqual(output["output_type"] as? String, "error", "\(name): \(output)")
                    if let data = output["data"] as? [String: Any], data["image/png"] != nil { images += 1 }
                }
            }
            // The fans, and a chart per families / sensitivity table where the notebook has one.
            let expected = ["overview.ipynb": 4, "vung-tau-market-qr.ipynb": 2, "ewallet-signups.ipynb": 2][name]
            XCTAssertEqual(images, expected, "\(name): charts drawn")
        }
    }

    func testAFolderWithoutScenarioFoldersIsBadInput() throws {
        let empty = try uptake(["export", "notebook", "Results", "--out", "Notebooks"])
        XCTAssertEqual(empty.exitCode, 2)
        XCTAssertEqual(empty.stderr, "error: Results: no scenario folders (sub-folders holding a run.json); run uptake run first\n")
        let missing = try uptake(["export", "notebook", "Nowhere"])
        XCTAssertEqual(missing.exitCode, 2)
        XCTAssertEqual(missing.stderr, "error: Nowhere: no such folder; give the folder uptake run wrote (--out)\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("Notebooks").path))
    }
}
