import Foundation
import XCTest
@testable import Reporting

/// report.html and the notebooks from a results folder written by hand: what each section
/// shows, what it says when a table is absent, escaping, charts that keep their own ids,
/// tables that cannot be read, the same bytes from the same folder; the notebook format.
final class ReportPageTests: XCTestCase {
    private var directory: URL!
    private var results: ResultsFolder { ResultsFolder(directory.appendingPathComponent("Results").path) }

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-report-page-\(UUID().uuidString)")
        try write("Results/a/run.json", """
            {"tool": "uptake", "version": "9.9.9", "scenario": "a", "input": "nowhere/a.yaml", "input_sha256": "00",
             "seed": "1", "paths": 12000, "step": "month", "reference_date": "2024-06-30", "horizon": "2026-12-31",
             "families": [{"family": "logistic", "weight": 0.75}, {"family": "gompertz", "weight": 0.25}],
             "not_fitted": [], "assumptions": ["ceiling assumed: 5 < 6 & more"], "timings": {"forecast_seconds": 1.5}}
            """)
        try write("Results/a/feasibility.csv", FeasibilityTable.header.joined(separator: ",") + "\n"
            + "a,baseline,\"<b>1,000</b> & more\",1000.0,2025-12-31,true,0.4148,0.0049,10.5,900.26,2000.0,2025-01-01,,,at_risk\n")
        try write("Results/a/fan.svg", """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>A &amp; B</title>
            <clipPath id="plot"><rect width="5" height="5"/></clipPath><g clip-path="url(#plot)"><polygon points="0,0 1,1 0,1"/></g></svg>
            """)
        // Beside the scenario folders: a row of a scenario with no folder is dropped.
        try write("Results/seek.csv", ResultsFolder.AnalysisTable.seek.columns.joined(separator: ",") + "\n"
            + "a,\"<b>1,000</b> & more\",growth_multiplier,0.8,1.234,0.05,0.81,0.004,0.41,2026-03-31,a note\n"
            + "zzz,t,level_shift,0.8,1,0,0.8,0,0.1,,not here\n")
        // A table without the columns it should have is a problem, not rows.
        try write("Results/a/families.csv", "scenario,family\na,logistic\n")
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private func write(_ relative: String, _ text: String) throws {
        let url = directory.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func testThePageShowsEachSectionEscapedAndSaysWhatIsAbsent() throws {
        let (page, problems) = ReportPage.build(for: results)
        let html = page.text
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        XCTAssertTrue(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
        // The verdict table: escaped label, P(met) ± s.e. to three decimals, median date or "not by".
        XCTAssertTrue(html.contains("&lt;b&gt;1,000&lt;/b&gt; &amp; more <span class=\"tag\">assumed</span>"), html)
        XCTAssertTrue(html.contains(">0.415 ± 0.005</td>"))
        XCTAssertTrue(html.contains(">not by 2026-12-31</td>"))
        XCTAssertTrue(html.contains("<span class=\"verdict at_risk\">at risk</span>"))
        XCTAssertTrue(html.contains("<span class=\"part\">10.5</span> · <span class=\"part\">900.3</span> · <span class=\"part\">2,000</span>"),
                      "value at the deadline, readable")
        // The section: title from the chart, the chart inline with its ids prefixed.
        XCTAssertTrue(html.contains("<section id=\"scenario-a\" class=\"scenario\">\n<h2>A &amp; B</h2>"))
        XCTAssertTrue(html.contains("<clipPath id=\"scenario-a-plot\">"))
        XCTAssertTrue(html.contains("clip-path=\"url(#scenario-a-plot)\""))
        XCTAssertFalse(html.contains("<?xml"))
        XCTAssertTrue(html.contains("12,000 paths per variant, seed 1, monthly steps"))
        // Assumptions, seek rows, the family weights when families.csv has no rows.
        XCTAssertTrue(html.contains("<li>ceiling assumed: 5 &lt; 6 &amp; more</li>"))
        XCTAssertTrue(html.contains(">growth_multiplier</td>"))
        XCTAssertTrue(html.contains(">1.23 ± 0.05</td>"))
        XCTAssertTrue(html.contains(">0.810 ± 0.004</td>"))
        XCTAssertTrue(html.contains(">2026-03-31</td>"))
        XCTAssertFalse(html.contains("not here"), "a row of a scenario without a folder")
        XCTAssertTrue(html.contains("Not computed: no families.csv rows for this scenario. The Monte Carlo mixes the families by weight: logistic 0.750, gompertz 0.250."))
        XCTAssertFalse(html.contains("How P(met) swings"), "no sensitivity.csv: the section is left out")
        // Nothing that changes between runs: no timings.
        XCTAssertFalse(html.contains("seconds"))
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems[0].hasSuffix("a/families.csv: no column target_label, weight, p_meet, p_meet_se (expected scenario,target_label,family,weight,p_meet,p_meet_se)"), problems[0])
        XCTAssertTrue(html.contains("<section id=\"problems\" class=\"problems\">"))
        XCTAssertEqual(ReportPage.html(for: results).bytes, page.bytes, "the same folder, the same bytes")
    }

    func testWriteReportRebuildsThePageFromTheFolders() throws {
        try results.writeReport()
        let path = directory.appendingPathComponent("Results/report.html").path
        XCTAssertTrue(try String(contentsOfFile: path, encoding: .utf8).contains("scenario-a"))
        try FileManager.default.removeItem(at: directory.appendingPathComponent("Results/a/run.json"))
        try results.writeReport()
        let empty = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertFalse(empty.contains("scenario-a"))
        XCTAssertTrue(empty.contains("No scenario folders (folders holding a run.json) here yet"))
    }

    func testInlineSVGKeepsAnSVGWithoutIDsAsItIs() {
        let svg = "<svg viewBox=\"0 0 1 1\"><rect data-id=\"x\" width=\"1\" height=\"1\"/></svg>\n"
        XCTAssertEqual(ReportPage.inlineSVG(svg, idPrefix: "p-"), svg)
        XCTAssertEqual(ReportPage.inlineSVG("not a chart", idPrefix: "p-"), "")
        XCTAssertEqual(ReportPage.inlineSVG("<svg><use href=\"#m\"/><path id=\"m\" data-id=\"k\"/></svg>", idPrefix: "p-"),
                       "<svg><use href=\"#p-m\"/><path id=\"p-m\" data-id=\"k\"/></svg>")
    }

    func testNotebooksAreNbformat4WithPathsRelativeToThemselves() throws {
        let out = directory.appendingPathComponent("Notebooks").path
        let (notebooks, problems) = NotebookExport(results: results, folder: out).notebooks()
        XCTAssertEqual(notebooks.map(\.fileName), ["a.ipynb", "overview.ipynb"])
        XCTAssertEqual(problems.count, 1, "families.csv's columns")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(notebooks[0].json.bytes)) as? [String: Any])
        XCTAssertEqual(object["nbformat"] as? Int, 4)
        XCTAssertEqual(object["nbformat_minor"] as? Int, 5)
        let cells = try XCTUnwrap(object["cells"] as? [[String: Any]])
        XCTAssertEqual(cells.map { $0["id"] as? String }, (1...cells.count).map { "cell-\($0)" })
        let code = cells.filter { $0["cell_type"] as? String == "code" }.compactMap { ($0["source"] as? [String])?.joined() }
        XCTAssertTrue(code.contains { $0.contains("RESULTS = Path(\"../Results/a\")") })
        XCTAssertTrue(code.contains { $0.contains("FILES = [\"../Results/seek.csv\"]") })
        let markdown = cells.filter { $0["cell_type"] as? String == "markdown" }.compactMap { ($0["source"] as? [String])?.joined() }
        XCTAssertTrue(markdown.contains { $0.contains("`nowhere/a.yaml` (run.json's `input`) was not found at export time") })
        XCTAssertTrue(markdown.contains { $0.contains("Not computed: the results folder has no sensitivity.csv rows for this scenario") })
    }

    func testNotebookSourcesAreListsOfLines() {
        XCTAssertEqual(JupyterNotebook.lines("a\nb\n\nc"), ["a\n", "b\n", "\n", "c"])
        XCTAssertEqual(JupyterNotebook.lines("a\n"), ["a\n"])
        XCTAssertEqual(JupyterNotebook.lines(""), [])
        XCTAssertEqual(JupyterNotebook.pythonString("say \"hi\"\n\\"), #""say \"hi\"\n\\""#)
    }

    func testRelativePaths() {
        XCTAssertEqual(NotebookExport.relativePath(from: "/r/Notebooks-export", to: "/r/Results/x"), "../Results/x")
        XCTAssertEqual(NotebookExport.relativePath(from: "/r/out/deep/", to: "/r/Results"), "../../Results")
        XCTAssertEqual(NotebookExport.relativePath(from: "/r", to: "/r/Results"), "Results")
        XCTAssertEqual(NotebookExport.relativePath(from: "/r/a", to: "/r/a"), ".")
    }
}
