import Foundation
import TextIO

/// `report.html`: the page a reviewer signs (DESIGN.md, "Outputs"), built from a results
/// folder — every scenario folder under it, in id order, like summary.csv:
///
/// - the verdict table: scenario, variant, target, deadline, P(met) ± s.e., median date
///   reached, verdict;
/// - per scenario: its fan.svg inline, its targets (value at the deadline, dates reached),
///   what the verdicts assume (run.json's `assumptions`), what it would take (seek.csv),
///   P(met) per curve family (families.csv; else the family weights from run.json) and how
///   P(met) swings with each input (sensitivity.csv). An absent table says so.
///
/// ```swift
/// let page = ReportPage.html(for: ResultsFolder("Results"))
/// try AtomicFile.write(page.text, to: "Results/report.html")
/// ```
///
/// One file, no network: CSS inline, SVG inline (ids prefixed per scenario so two charts
/// never share one), no fonts, images or scripts fetched. It reads on a phone: charts scale
/// to the width (`max-width: 100%`), wide tables scroll sideways inside their own box, so no
/// element is wider than a 390 px viewport. The page holds nothing that changes between two
/// runs of the same inputs (no timings, no clock, not even the folder's path), so re-running
/// rewrites the same bytes, whatever `--out` is.
public enum ReportPage {
    public static let fileName = "report.html"

    /// The page, and the problems met reading run.json files and the analysis tables (the
    /// page shows them too; feasibility.csv problems are ``ResultsFolder/summaryRows()``'s).
    public static func build(for results: ResultsFolder) -> (page: TextBuffer, problems: [String]) {
        var writer = Writer(results: results)
        writer.write()
        return (writer.html, writer.readProblems)
    }

    /// The page alone (see ``build(for:)``).
    public static func html(for results: ResultsFolder) -> TextBuffer { build(for: results).page }

    /// An SVG document ready to sit inside HTML: whatever precedes `<svg` (an XML declaration,
    /// a doctype, comments) is dropped, and every `id` — with the `url(#…)` and `href="#…"`
    /// that point at it — gets `prefix`, so several charts on one page keep their own ids.
    public static func inlineSVG(_ svg: String, idPrefix prefix: String) -> String {
        guard let start = svg.range(of: "<svg") else { return "" }
        var text = String(svg[start.lowerBound...])
        guard text.contains("id=\"") else { return text }
        text = text.replacing(try! Regex(#"(\s)id="([^"]*)""#)) { match in
            "\(match.output[1].substring ?? " ")id=\"\(prefix)\(match.output[2].substring ?? "")\""
        }
        text = text.replacing(try! Regex(#"url\(#([^)]*)\)"#)) { match in
            "url(#\(prefix)\(match.output[1].substring ?? ""))"
        }
        text = text.replacing(try! Regex(##"href="#([^"]*)""##)) { match in
            "href=\"#\(prefix)\(match.output[1].substring ?? "")\""
        }
        return text
    }

    /// How a verdict reads in the page.
    static func words(forVerdict verdict: String) -> String {
        switch verdict {
        case "on_track": return "on track"
        case "at_risk": return "at risk"
        case "off_track": return "off track"
        default: return verdict
        }
    }

    static let style = """
        *{box-sizing:border-box}
        html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
        body{margin:0 auto;padding:0 1rem 2rem;max-width:75rem;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1b1b1b;background:#fff;overflow-wrap:anywhere}
        h1{font-size:1.6rem;line-height:1.2;margin:1.2rem 0 .4rem}
        h2{font-size:1.3rem;line-height:1.25;margin:2.4rem 0 .3rem;padding-top:.9rem;border-top:2px solid #ddd}
        h3{font-size:1.02rem;margin:1.4rem 0 .3rem}
        p{margin:.4rem 0}
        a{color:#1f5fa8}
        code{font-size:.9em;background:#f3f3f3;padding:0 .2em;border-radius:.2em}
        .meta{color:#555;font-size:.9rem}
        .scroll{overflow-x:auto;max-width:100%;margin:.5rem 0}
        .scroll table{overflow-wrap:normal}
        table{border-collapse:collapse;font-size:.9rem}
        th,td{padding:.3rem .55rem;border-bottom:1px solid #e3e3e3;text-align:left;vertical-align:top}
        th{background:#f4f4f4;font-weight:600}
        td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
        td.date,td.id,.part{white-space:nowrap}
        td.label{min-width:11rem}
        .verdict{display:inline-block;padding:0 .45rem;border-radius:.3rem;font-weight:600;font-size:.85rem;white-space:nowrap}
        .on_track{background:#d7f0dc;color:#14532d}
        .at_risk{background:#fdefc3;color:#6b3d0a}
        .off_track{background:#fad4d4;color:#7f1d1d}
        .met{background:#d6e6fa;color:#1e3a8a}
        .missed{background:#e4e4e4;color:#333}
        .tag{color:#8a4b00;font-size:.8rem;white-space:nowrap}
        figure.fan{margin:.8rem 0}
        figure.fan svg{display:block;max-width:100%;height:auto}
        ul.assumptions{padding-left:1.2rem}
        ul.assumptions li{margin:.25rem 0}
        .absent{color:#666;font-style:italic}
        .problems{color:#7f1d1d}
        footer{margin-top:3rem;color:#666;font-size:.85rem}
        @media (max-width:40rem){
        table.cards,table.cards tbody,table.cards tr,table.cards td{display:block;width:100%}
        table.cards thead{display:none}
        table.cards tr{border:1px solid #ddd;border-radius:.4rem;margin:.6rem 0;padding:.3rem .1rem}
        table.cards td{display:flex;gap:1rem;justify-content:space-between;border:none;padding:.15rem .5rem;white-space:normal;text-align:right;min-width:0}
        table.cards td::before{content:attr(data-label);font-weight:600;color:#555;text-align:left;flex:0 0 auto;max-width:45%}
        table.cards td.label{text-align:right}
        }
        @media print{.scroll{overflow:visible}section.scenario{break-before:page}}
        """
}

extension ResultsFolder {
    /// Rebuilds `report.html` from every scenario folder under the results folder (as
    /// ``writeSummary()`` rebuilds summary.csv); returns the problems met reading run.json
    /// files and analysis tables (also shown in the page).
    @discardableResult
    public func writeReport() throws -> [String] {
        let (page, problems) = ReportPage.build(for: self)
        let path = (root as NSString).appendingPathComponent(ReportPage.fileName)
        do { try AtomicFile.write(page, to: path) } catch {
            throw LayoutError(description: "cannot write \(path): \(error.localizedDescription)")
        }
        return problems
    }
}

/// The page, written top to bottom into one buffer.
private struct Writer {
    let results: ResultsFolder
    var html = TextBuffer(capacity: 1 << 17)
    var readProblems: [String] = []
    /// The headers of the table being written, and the next cell's column.
    var columns: [String] = []
    var column = 0

    init(results: ResultsFolder) { self.results = results }

    mutating func write() {
        let ids = results.scenarioIDs()
        let (rows, feasibilityProblems) = results.summaryRows()
        let records = rows.map(FeasibilityRecord.init)
        var manifests: [String: ResultsFolder.Manifest] = [:]
        for id in ids {
            do { manifests[id] = try results.manifest(of: id) } catch { readProblems.append("\(error)") }
        }
        let analyses = Dictionary(uniqueKeysWithValues: ResultsFolder.AnalysisTable.allCases.compactMap { table in
            results.analysis(table).map { (table, $0) }
        })
        for analysis in analyses.values.sorted(by: { $0.table.rawValue < $1.table.rawValue }) {
            readProblems += analysis.problems
        }

        let titles = Dictionary(uniqueKeysWithValues: ids.map { ($0, chartTitle(of: $0)) })
        raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
        text("Uptake report: \(ids.count) scenario\(ids.count == 1 ? "" : "s")")
        raw("</title>\n<style>\n\(ReportPage.style)\n</style>\n</head>\n<body>\n<header>\n<h1>Uptake report</h1>\n<p class=\"meta\">")
        let versions = Set(manifests.values.map(\.version)).sorted()
        text("\(ids.count) scenario\(ids.count == 1 ? "" : "s") and \(records.count) target × variant row\(records.count == 1 ? "" : "s")")
        text(versions.isEmpty ? "." : ", forecast by uptake \(versions.joined(separator: ", ")).")
        raw(" Each scenario's files are in <code>&lt;id&gt;/</code> beside this page; <code>summary.csv</code> holds the table below.</p>\n")
        writeContents(ids)
        raw("</header>\n<main>\n")
        writeVerdicts(records, manifests)
        for id in ids {
            writeScenario(id, title: titles[id] ?? nil, manifest: manifests[id],
                          records: records.filter { $0.scenario == id }, analyses: analyses)
        }
        let problems = feasibilityProblems + readProblems
        if !problems.isEmpty {
            raw("<section id=\"problems\" class=\"problems\">\n<h2>Files that could not be read</h2>\n<ul>\n")
            for problem in problems { raw("<li>"); text(problem); raw("</li>\n") }
            raw("</ul>\n</section>\n")
        }
        raw("</main>\n<footer>\n<p>Written by <code>uptake run</code> from the scenario folders beside this page ")
        raw("(rebuilt after every run, like <code>summary.csv</code>). Verdicts: <em>on track</em> P(met) ≥ 0.8, ")
        raw("<em>at risk</em> 0.2 ≤ P &lt; 0.8, <em>off track</em> P &lt; 0.2 (the scenario may set other thresholds); ")
        raw("<em>met</em>: the target is met in the data; <em>missed</em>: the deadline passed in the data unmet. ")
        raw("± is one Monte Carlo standard error.</p>\n</footer>\n</body>\n</html>\n")
    }

    private mutating func writeContents(_ ids: [String]) {
        guard !ids.isEmpty else {
            raw("<p class=\"absent\">No scenario folders (folders holding a run.json) here yet: run <code>uptake run</code>.</p>\n")
            return
        }
        raw("<nav><p class=\"meta\">Scenarios: ")
        for (index, id) in ids.enumerated() {
            if index > 0 { raw(" · ") }
            raw("<a href=\"#\(anchor(id))\">"); text(id); raw("</a>")
        }
        raw("</p></nav>\n")
    }

    private mutating func writeVerdicts(_ records: [FeasibilityRecord], _ manifests: [String: ResultsFolder.Manifest]) {
        raw("<section id=\"verdicts\">\n<h2>Verdicts</h2>\n")
        guard !records.isEmpty else {
            raw("<p class=\"absent\">No targets to show.</p>\n</section>\n")
            return
        }
        beginTable(["scenario", "variant", "target", "deadline", "P(met) ± s.e.", "date reached (median)", "verdict"], cards: true)
        for record in records {
            beginRow()
            openCell(class: "id"); raw("<a href=\"#\(anchor(record.scenario))\">"); text(record.scenario); raw("</a></td>")
            cell(record.variant, class: "id")
            targetCell(record)
            cell(record["deadline"], class: "date")
            probabilityCell(record.pMeet, record.pMeetSE, fallback: record["p_meet"])
            cell(dateReached(record["date_reached_q50"], horizon: manifests[record.scenario]?.horizon), class: "date")
            verdictCell(record.verdict)
            endRow()
        }
        endTable()
        raw("</section>\n")
    }

    private mutating func writeScenario(_ id: String, title: String?, manifest: ResultsFolder.Manifest?,
                                        records: [FeasibilityRecord],
                                        analyses: [ResultsFolder.AnalysisTable: ResultsFolder.AnalysisRows]) {
        raw("<section id=\"\(anchor(id))\" class=\"scenario\">\n<h2>")
        if let title { raw(title) } else { text(id) }
        raw("</h2>\n<p class=\"meta\">")
        code(id)
        if let manifest {
            text(" · from "); code(manifest.input)
            text(" · data to \(manifest.referenceDate.isEmpty ? "(none)" : manifest.referenceDate), forecast to \(manifest.horizon)")
            text(" · \(OutputNumber.grouped(manifest.paths)) paths per variant, seed \(manifest.seed), \(manifest.step)ly steps")
        }
        raw("</p>\n")

        let svgPath = (results.folder(for: id) as NSString).appendingPathComponent("fan.svg")
        if let data = FileManager.default.contents(atPath: svgPath), let svg = String(validating: data, as: UTF8.self),
           case let inline = ReportPage.inlineSVG(svg, idPrefix: "\(anchor(id))-"), !inline.isEmpty {
            raw("<figure class=\"fan\">\n"); raw(inline)
            if !inline.hasSuffix("\n") { raw("\n") }
            raw("<figcaption class=\"meta\"><a href=\"")
            text(id); raw("/fan.svg\">The chart alone</a>, to zoom in.</figcaption>\n</figure>\n")
        } else {
            raw("<p class=\"absent\">No fan chart (fan.svg) in this folder.</p>\n")
        }

        raw("<h3>Targets</h3>\n")
        if records.isEmpty {
            raw("<p class=\"absent\">No targets in feasibility.csv.</p>\n")
        } else {
            beginTable(["variant", "target", "deadline", "P(met) ± s.e.", "value at the deadline (5 · 50 · 95 %)",
                        "date reached (10 · 50 · 90 %)", "verdict"], cards: true)
            for record in records {
                beginRow(); cell(record.variant, class: "id"); targetCell(record); cell(record["deadline"], class: "date")
                probabilityCell(record.pMeet, record.pMeetSE, fallback: record["p_meet"])
                cell(parts: ["value_at_deadline_q05", "value_at_deadline_q50", "value_at_deadline_q95"]
                    .map { readable(record[$0]) }, class: "num")
                cell(parts: ["date_reached_q10", "date_reached_q50", "date_reached_q90"]
                    .map { record[$0].isEmpty ? "later" : record[$0] }, class: "date")
                verdictCell(record.verdict)
                endRow()
            }
            endTable()
            if records.contains(where: { $0["date_reached_q90"].isEmpty }), let horizon = manifest?.horizon {
                raw("<p class=\"meta\">“later”: fewer paths than that share reach the target by the horizon, ")
                text(horizon); raw(".</p>\n")
            }
        }

        raw("<h3>What the verdicts assume</h3>\n")
        if let manifest {
            if manifest.assumptions.isEmpty {
                raw("<p>Nothing beyond the data and the model's defaults (run.json lists no assumptions).</p>\n")
            } else {
                raw("<ul class=\"assumptions\">\n")
                for sentence in manifest.assumptions { raw("<li>"); text(sentence); raw("</li>\n") }
                raw("</ul>\n")
            }
        } else {
            raw("<p class=\"absent\">run.json could not be read (see the end of the page).</p>\n")
        }

        writeSeek(id, analyses[.seek])
        writeFamilies(id, analyses[.families], manifest: manifest)
        writeSensitivity(id, analyses[.sensitivity])
        raw("</section>\n")
    }

    private mutating func writeSeek(_ id: String, _ analysis: ResultsFolder.AnalysisRows?) {
        raw("<h3>What it would take</h3>\n")
        guard let analysis, case let rows = analysis.rows(of: id), !rows.isEmpty else {
            raw("<p class=\"absent\">Not computed: no seek.csv rows for this scenario (<code>uptake seek</code> writes them).</p>\n")
            return
        }
        beginTable(["target", "lever", "for P(met)", "value ± s.e.", "P(met) there ± s.e.", "P(met) now",
                    "date at that probability", "note"], cards: true)
        for row in rows {
            let field = { analysis.value(row, $0) }
            beginRow(); cell(field("target_label"), class: "label"); cell(field("lever"), class: "id")
            cell(readable(field("probability")), class: "num")
            cell(plusMinus(field("value"), field("value_se")), class: "num")
            cell(plusMinus(field("p_meet_at_value"), field("p_meet_se"), decimals: 3), class: "num")
            cell(fixed(field("baseline_p_meet"), decimals: 3), class: "num")
            cell(field("date_at_probability").isEmpty ? "–" : field("date_at_probability"), class: "date")
            cell(field("note"))
            endRow()
        }
        endTable()
    }

    private mutating func writeFamilies(_ id: String, _ analysis: ResultsFolder.AnalysisRows?, manifest: ResultsFolder.Manifest?) {
        raw("<h3>P(met) by curve family</h3>\n")
        if let analysis, case let rows = analysis.rows(of: id), !rows.isEmpty {
            beginTable(["target", "family", "weight", "P(met) ± s.e."], cards: false)
            for row in rows {
                let field = { analysis.value(row, $0) }
                beginRow(); cell(field("target_label"), class: "label"); cell(field("family"), class: "id")
                cell(fixed(field("weight"), decimals: 3), class: "num")
                cell(plusMinus(field("p_meet"), field("p_meet_se"), decimals: 3), class: "num")
                endRow()
            }
            endTable()
            return
        }
        raw("<p class=\"absent\">Not computed: no families.csv rows for this scenario.")
        if let manifest, !manifest.families.isEmpty {
            raw(" The Monte Carlo mixes the families by weight: ")
            text(manifest.families.map { "\($0.family) \(fixed(OutputNumber.string($0.weight), decimals: 3))" }.joined(separator: ", "))
            raw(".")
        }
        raw("</p>\n")
    }

    private mutating func writeSensitivity(_ id: String, _ analysis: ResultsFolder.AnalysisRows?) {
        guard let analysis, case let rows = analysis.rows(of: id), !rows.isEmpty else { return }
        raw("<h3>How P(met) swings with each input</h3>\n")
        beginTable(["target", "input", "setting", "value", "P(met) ± s.e."], cards: false)
        for row in rows {
            let field = { analysis.value(row, $0) }
            beginRow(); cell(field("target_label"), class: "label"); cell(field("input"), class: "id"); cell(field("setting"), class: "id")
            cell(readable(field("value")), class: "num")
            cell(plusMinus(field("p_meet"), field("p_meet_se"), decimals: 3), class: "num")
            endRow()
        }
        endTable()
    }

    // MARK: Cells and text

    private mutating func raw(_ markup: String) { html.append(markup) }

    private mutating func text(_ plain: String) { html.append(escaped: plain) }

    private mutating func code(_ plain: String) { raw("<code>"); text(plain); raw("</code>") }

    /// A table in its scrolling box. A `cards` table turns each row into a card of labelled
    /// lines on a narrow screen (the label comes from the cell's `data-label`).
    private mutating func beginTable(_ headers: [String], cards: Bool) {
        columns = headers
        raw("<div class=\"scroll\"><table\(cards ? " class=\"cards\"" : "")>\n<thead><tr>")
        for header in headers { raw("<th>"); text(header); raw("</th>") }
        raw("</tr></thead>\n<tbody>\n")
    }

    private mutating func beginRow() { raw("<tr>"); column = 0 }

    private mutating func endRow() { raw("</tr>\n") }

    private mutating func endTable() { raw("</tbody>\n</table></div>\n") }

    /// `<td class=… data-label=…>` of the next column.
    private mutating func openCell(class name: String?) {
        raw("<td")
        if let name { raw(" class=\"\(name)\"") }
        if column < columns.count { raw(" data-label=\""); text(columns[column]); raw("\"") }
        raw(">")
        column += 1
    }

    private mutating func cell(_ plain: String, class name: String? = nil) {
        openCell(class: name); text(plain); raw("</td>")
    }

    /// Values side by side (`a · b · c`), each kept on one line when the cell wraps.
    private mutating func cell(parts: [String], class name: String) {
        openCell(class: name); raw("<span>")
        for (index, part) in parts.enumerated() {
            if index > 0 { raw(" · ") }
            raw("<span class=\"part\">"); text(part); raw("</span>")
        }
        raw("</span></td>")
    }

    private mutating func targetCell(_ record: FeasibilityRecord) {
        openCell(class: "label"); raw("<span>"); text(record.targetLabel)
        let value = readable(record["target_value"])
        if !value.isEmpty, !record.targetLabel.contains(value) { text(" (\(value))") }
        if record.assumed { raw(" <span class=\"tag\">assumed</span>") }
        raw("</span></td>")
    }

    private mutating func probabilityCell(_ p: Double?, _ se: Double?, fallback: String) {
        guard let p else { cell(fallback, class: "num"); return }
        openCell(class: "num")
        html.append(p, decimals: 3)
        if let se { raw(" ± "); html.append(se, decimals: 3) }
        raw("</td>")
    }

    private mutating func verdictCell(_ verdict: String) {
        let known = ["on_track", "at_risk", "off_track", "met", "missed"].contains(verdict)
        openCell(class: nil); raw("<span class=\"verdict\(known ? " \(verdict)" : "")\">"); text(ReportPage.words(forVerdict: verdict)); raw("</span></td>")
    }

    /// The chart's own title (fan.svg's `<title>`, already XML-escaped), if it has one.
    private func chartTitle(of id: String) -> String? {
        let path = (results.folder(for: id) as NSString).appendingPathComponent("fan.svg")
        guard let data = FileManager.default.contents(atPath: path),
              let svg = String(validating: data, as: UTF8.self),
              let open = svg.range(of: "<title>"), let close = svg.range(of: "</title>", range: open.upperBound..<svg.endIndex)
        else { return nil }
        let title = svg[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        return title.isEmpty || title.contains("<") ? nil : title
    }

    /// The page anchor of a scenario (ids are `[a-z0-9-]+`, so they are safe as they are).
    private func anchor(_ id: String) -> String {
        "scenario-" + String(id.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) || $0 == "-" ? Character($0) : "_" })
    }

    private func dateReached(_ date: String, horizon: String?) -> String {
        guard date.isEmpty else { return date }
        return horizon.map { "not by \($0)" } ?? "not by the horizon"
    }

    /// A number for reading: whole numbers, and any from 1,000, as integers grouped by
    /// thousands; one decimal from 10, three significant digits below; other text as it is.
    private func readable(_ field: String) -> String {
        guard let x = Double(field), x.isFinite else { return field }
        var out = TextBuffer()
        if abs(x) >= 1000 || (x == x.rounded() && abs(x) < 1e15) {
            return OutputNumber.grouped(Int(x.rounded()))
        } else if abs(x) >= 10 {
            out.append(x, decimals: 1)
        } else if x == 0 {
            return "0"
        } else {
            out.append(x, generalSignificantDigits: 3)
        }
        return out.text
    }

    private func fixed(_ field: String, decimals: Int) -> String {
        guard let x = Double(field), x.isFinite else { return field.isEmpty ? "–" : field }
        var out = TextBuffer()
        out.append(x, decimals: decimals)
        return out.text
    }

    private func plusMinus(_ value: String, _ se: String, decimals: Int? = nil) -> String {
        let shown = decimals.map { fixed(value, decimals: $0) } ?? (value.isEmpty ? "–" : readable(value))
        guard Double(se) != nil else { return shown }
        return shown + " ± " + (decimals.map { fixed(se, decimals: $0) } ?? readable(se))
    }
}
