import Foundation
import TextIO

/// Reading a results folder back, for the pages and notebooks built from it (report.html,
/// `uptake export notebook`): a scenario folder's run.json, its feasibility rows, and the
/// tables that `uptake seek` and `uptake sensitivity` add.
///
/// ```swift
/// let results = ResultsFolder("Results")
/// for id in results.scenarioIDs() {
///     let manifest = try results.manifest(of: id)                 // run.json
///     print(id, manifest.assumptions.count, "assumptions")
/// }
/// let seek = results.analysis(.seek)                               // nil: no seek.csv anywhere
/// ```
extension ResultsFolder {
    /// The fields of `run.json` that a reader shows (DESIGN.md, "Outputs"); timings are left
    /// out on purpose: a page built from them would change on every run.
    public struct Manifest: Sendable, Equatable {
        public var scenario: String
        public var version: String
        /// The scenario file, as the run named it (relative to where it ran).
        public var input: String
        public var inputSHA256: String
        public var seed: String
        public var paths: Int
        public var step: String
        /// The last observation date: the forecast starts after it (empty if none).
        public var referenceDate: String
        public var horizon: String
        /// The fitted families and their weights in the Monte Carlo mix.
        public var families: [FamilyWeight]
        /// What the verdicts assume, a sentence each (``AssumptionText``).
        public var assumptions: [String]
    }

    public struct FamilyWeight: Sendable, Equatable {
        public var family: String
        public var weight: Double
    }

    /// The run.json of scenario folder `id`; a ``LayoutError`` naming the file if it cannot
    /// be read or lacks a field.
    public func manifest(of id: String) throws -> Manifest {
        let path = (folder(for: id) as NSString).appendingPathComponent(Self.manifestName)
        func problem(_ message: String) -> LayoutError { LayoutError(description: "\(path): \(message)") }
        guard let data = FileManager.default.contents(atPath: path) else { throw problem("cannot read the file") }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw problem("not a JSON object")
        }
        func text(_ key: String) throws -> String {
            guard let value = object[key] as? String else { throw problem("no \"\(key)\" string") }
            return value
        }
        let families = (object["families"] as? [[String: Any]] ?? []).compactMap { family -> FamilyWeight? in
            guard let name = family["family"] as? String else { return nil }
            return FamilyWeight(family: name, weight: (family["weight"] as? NSNumber)?.doubleValue ?? .nan)
        }
        guard let assumptions = object["assumptions"] as? [String] else { throw problem("no \"assumptions\" list") }
        return Manifest(scenario: try text("scenario"), version: try text("version"), input: try text("input"),
                        inputSHA256: try text("input_sha256"), seed: try text("seed"),
                        paths: (object["paths"] as? NSNumber)?.intValue ?? 0, step: try text("step"),
                        referenceDate: try text("reference_date"), horizon: try text("horizon"),
                        families: families, assumptions: assumptions)
    }

    /// The tables other commands write next to the scenario's own files. Each has a
    /// `scenario` column and may stand at the top of the results folder (every scenario's
    /// rows) or in a scenario folder (that scenario's rows); both are read.
    public enum AnalysisTable: String, CaseIterable, Sendable {
        /// What it would take: the lever value that lifts P(met) to a probability.
        case seek
        /// P(met) if the Monte Carlo drew from one curve family only.
        case families
        /// How P(met) swings with each input (a tornado).
        case sensitivity

        public var fileName: String { rawValue + ".csv" }

        /// The columns, in the order the writer puts them.
        public var columns: [String] {
            switch self {
            case .seek:
                return ["scenario", "target_label", "lever", "probability", "value", "value_se", "p_meet_at_value",
                        "p_meet_se", "baseline_p_meet", "date_at_probability", "note"]
            case .families:
                return ["scenario", "target_label", "family", "weight", "p_meet", "p_meet_se"]
            case .sensitivity:
                return ["scenario", "target_label", "input", "setting", "value", "p_meet", "p_meet_se"]
            }
        }
    }

    /// The rows of an ``AnalysisTable`` found under the results folder, each in the order of
    /// ``AnalysisTable/columns``.
    public struct AnalysisRows: Sendable {
        public var table: AnalysisTable
        /// The files read, as paths under the results folder's root.
        public var files: [String]
        public var rows: [[String]]
        /// Files that could not be read, one line each (`file:line: message`).
        public var problems: [String]

        /// The field `column` of `row` ("" for a column the table does not have).
        public func value(_ row: [String], _ column: String) -> String {
            guard let index = table.columns.firstIndex(of: column), index < row.count else { return "" }
            return row[index]
        }

        /// The rows of one scenario, in file order.
        public func rows(of scenario: String) -> [[String]] { rows.filter { $0.first == scenario } }
    }

    /// `<root>/<table>.csv` and every `<root>/<id>/<table>.csv`, rows of scenario folders only
    /// (a row naming a scenario with no folder here is dropped); nil when no such file exists.
    /// Columns are matched by name, so a writer may add columns; a file lacking one of
    /// ``AnalysisTable/columns`` is a problem, not rows.
    public func analysis(_ table: AnalysisTable) -> AnalysisRows? {
        let ids = scenarioIDs()
        let candidates = [(root as NSString).appendingPathComponent(table.fileName)]
            + ids.map { (folder(for: $0) as NSString).appendingPathComponent(table.fileName) }
        let files = candidates.filter { FileManager.default.fileExists(atPath: $0) }
        guard !files.isEmpty else { return nil }
        let known = Set(ids)
        var result = AnalysisRows(table: table, files: files, rows: [], problems: [])
        for file in files {
            do {
                let records = try CSVReader.records(in: TextFile.utf8(TextFile.bytes(atPath: file), file: file),
                                                    file: file, mode: .strict)
                guard let header = records.first?.texts else { continue }
                let missing = table.columns.filter { !header.contains($0) }
                guard missing.isEmpty else {
                    result.problems.append("\(file): no column \(missing.joined(separator: ", ")) (expected \(table.columns.joined(separator: ",")))")
                    continue
                }
                let indices = table.columns.map { header.firstIndex(of: $0)! }
                for record in records.dropFirst() {
                    guard record.count == header.count else {
                        result.problems.append("\(file):\(record.line): \(record.count) fields, expected \(header.count)")
                        continue
                    }
                    let row = indices.map { record.fields[$0].text }
                    if known.contains(row[0]) { result.rows.append(row) }
                }
            } catch {
                result.problems.append("\(error)")
            }
        }
        return result
    }
}

/// Feasibility rows (``FeasibilityTable/header``) read back, by column name.
public struct FeasibilityRecord: Sendable, Equatable {
    public var fields: [String]

    public init(_ fields: [String]) { self.fields = fields }

    public subscript(_ column: String) -> String {
        guard let index = FeasibilityTable.header.firstIndex(of: column), index < fields.count else { return "" }
        return fields[index]
    }

    public var scenario: String { self["scenario"] }
    public var variant: String { self["variant"] }
    public var targetLabel: String { self["target_label"] }
    public var assumed: Bool { self["assumed"] == "true" }
    public var pMeet: Double? { Double(self["p_meet"]) }
    public var pMeetSE: Double? { Double(self["p_meet_se"]) }
    public var verdict: String { self["verdict"] }
}
