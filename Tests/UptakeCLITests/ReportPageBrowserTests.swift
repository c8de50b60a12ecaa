import Foundation
import XCTest

/// report.html as a reviewer opens it: `uptake run Scenarios/` writes it beside summary.csv,
/// and headless Chromium lays it out at a phone's width (390 px) and a desktop's (1280 px).
/// Every bundled scenario has its section and verdict rows, every fan chart is drawn with a
/// size, no element (outside the tables' own scrolling boxes) is wider than the viewport,
/// the verdict table fits as cards on the phone, the page loads nothing from anywhere (no
/// resource entries at all), and the seek, families and sensitivity rows found beside the
/// scenario folders are shown.
final class ReportPageBrowserTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("Results/vung-tau-market-qr"),
                                                withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    /// The bundled scenario ids (their file names).
    private var bundledIDs: [String] {
        get throws {
            try FileManager.default.contentsOfDirectory(atPath: RunCommandTests.packageRoot.appendingPathComponent("Scenarios").path)
                .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
        }
    }

    func testReportOfTheBundledScenariosFitsAPhoneAndADesktopAndDrawsEveryChart() throws {
        let chromium = try ExternalTool.chromium()
        let results = directory.appendingPathComponent("Results")
        // Tables of `uptake seek` / `uptake sensitivity`, at the top and in a scenario folder.
        try AnalysisTableFixtures.write("seek.csv", header: AnalysisTableFixtures.seekHeader, rows: [
            "phu-my-noncash-acceptance-points,800 non-cash acceptance points by late 2025,growth_multiplier,0.8,1.37,0.02,0.81,0.004,0.42,2025-09-30,",
            "vietnam-internet-users,\"85 % of the population online by end of 2025\",level_shift,0.8,4.2,0.1,0.8,0.004,0.07,2025-11-30,\"fixture, quoted\"",
        ], in: results)
        try AnalysisTableFixtures.writeFamilies(in: results)
        try AnalysisTableFixtures.write("sensitivity.csv", header: AnalysisTableFixtures.sensitivityHeader, rows: [
            "vinh-phuc-eid-accounts,x,growth_rate,low,0.5,0.41,0.005",
            "vinh-phuc-eid-accounts,x,growth_rate,high,1.5,0.88,0.003",
        ], in: results)

        let run = try ExecutableRunner.run("uptake", ["run", "Scenarios/", "--paths", "2000", "--out", results.path],
                                           timeout: 300, currentDirectory: RunCommandTests.packageRoot)
        XCTAssertEqual(run.exitCode, 0, run.stderr)
        XCTAssertFalse(run.stderr.contains("warning:"), run.stderr)
        let page = try String(contentsOf: results.appendingPathComponent("report.html"), encoding: .utf8)
        let ids = try bundledIDs
        XCTAssertGreaterThanOrEqual(ids.count, 9)

        // Self-contained: nothing to fetch, no script of its own.
        for pattern in [#"(src|href)\s*=\s*"(https?:)?//"#, "<script", "<link", "<img", "@import", #"url\(\s*['"]?https?:"#] {
            XCTAssertNil(page.range(of: pattern, options: [.regularExpression, .caseInsensitive]), "report.html has \(pattern)")
        }
        XCTAssertTrue(page.contains("1.370 ± 0.020") || page.contains("1.37 ± 0.02"), "seek.csv's value is shown")
        XCTAssertTrue(page.contains("fixture, quoted"))
        XCTAssertTrue(page.contains("gompertz</td>") || page.contains(">gompertz<"), "families.csv's rows are shown")
        XCTAssertTrue(page.contains("How P(met) swings with each input"))
        XCTAssertTrue(page.contains("Not computed: no seek.csv rows for this scenario"))

        for width in [390, 1280] {
            let check = try layout(width: width, chromium: chromium)
            XCTAssertEqual(check["resources"] as? Int, 0, "\(width) px: the page loaded something")
            XCTAssertEqual(check["innerWidth"] as? Int, width)
            XCTAssertLessThanOrEqual(check["scrollWidth"] as? Int ?? .max, width, "\(width) px: the page scrolls sideways")
            XCTAssertEqual(check["overflowing"] as? [String], [], "\(width) px: elements wider than the viewport")
            XCTAssertEqual(check["svgs"] as? Int, ids.count, "\(width) px: one chart per scenario")
            XCTAssertEqual(check["emptySVGs"] as? [String], [], "\(width) px: charts drawn with no size")
            XCTAssertEqual(check["sections"] as? [String], ids.map { "scenario-\($0)" }, "\(width) px: a section per bundled scenario")
            XCTAssertEqual(Set(check["verdictScenarios"] as? [String] ?? []), Set(ids), "\(width) px: verdict rows")
            if width == 390 {
                XCTAssertEqual(check["wideCardTables"] as? [String], [], "390 px: card tables wider than their box")
            }
        }
    }

    /// Chromium's layout of report.html in a viewport `width` px wide: the page in an iframe
    /// of that width (headless Chromium keeps its windows at least 500 px wide), the network
    /// shut off; a script in the outer page, run once everything has loaded, writes its
    /// findings into the DOM as JSON, which `--dump-dom` prints.
    private func layout(width: Int, chromium: URL) throws -> [String: Any] {
        let harness = """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><style>body{margin:0}iframe{border:0;display:block}</style></head>
            <body><iframe id="page" src="report.html" style="width:\(width)px;height:2000px"></iframe>
            <script>
            window.addEventListener("load", function () {
              var w = document.getElementById("page").contentWindow, d = w.document;
              var width = w.innerWidth, overflowing = [], emptySVGs = [], wideCardTables = [];
              var name = function (e) { return e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (typeof e.className === "string" && e.className ? "." + e.className : ""); };
              d.querySelectorAll("body *").forEach(function (e) {
                if (e.closest("svg") !== null && e.tagName.toLowerCase() !== "svg") return;
                if (e.parentElement && e.parentElement.closest(".scroll")) return;
                var r = e.getBoundingClientRect();
                if (r.width > 0 && (r.right > width + 1 || r.left < -1)) overflowing.push(name(e) + " " + Math.round(r.left) + ".." + Math.round(r.right));
              });
              var svgs = d.querySelectorAll("figure.fan svg");
              svgs.forEach(function (s) {
                var r = s.getBoundingClientRect(), drawn = s.querySelector("polygon, path, polyline");
                var b = drawn ? drawn.getBoundingClientRect() : {width: 0, height: 0};
                if (!(r.width > 100 && r.height > 50 && b.width > 0 && b.height > 0)) emptySVGs.push(s.closest("section").id);
              });
              d.querySelectorAll("table.cards").forEach(function (t) {
                var box = t.parentElement;
                if (box.scrollWidth > box.clientWidth + 1) wideCardTables.push(box.closest("section").id);
              });
              var result = {
                innerWidth: width, scrollWidth: d.documentElement.scrollWidth, overflowing: overflowing,
                svgs: svgs.length, emptySVGs: emptySVGs, wideCardTables: wideCardTables,
                sections: Array.prototype.map.call(d.querySelectorAll("section.scenario"), function (s) { return s.id; }),
                verdictScenarios: Array.prototype.map.call(d.querySelectorAll("#verdicts tbody tr td:first-child"), function (td) { return td.textContent; }),
                resources: w.performance.getEntriesByType("resource").length
              };
              var out = document.createElement("pre");
              out.id = "layout-check";
              out.textContent = JSON.stringify(result);
              document.body.appendChild(out);
            });
            </script>
            </body></html>
            """
        let checked = directory.appendingPathComponent("Results/layout-\(width).html")
        try harness.write(to: checked, atomically: true, encoding: .utf8)
        let profile = directory.appendingPathComponent("chromium-profile-\(width)")
        let result = try ExecutableRunner.run(executable: chromium, [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--allow-file-access-from-files", "--user-data-dir=\(profile.path)", "--host-resolver-rules=MAP * ~NOTFOUND",
            "--window-size=\(width + 100),2100", "--dump-dom", checked.absoluteString,
        ], timeout: 120)
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        guard let open = result.stdout.range(of: "<pre id=\"layout-check\">"),
              let close = result.stdout.range(of: "</pre>", range: open.upperBound..<result.stdout.endIndex) else {
            XCTFail("no layout result in Chromium's DOM at \(width) px; stderr: \(result.stderr.suffix(2000))")
            return [:]
        }
        let json = result.stdout[open.upperBound..<close.lowerBound]
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
        return try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
    }
}
