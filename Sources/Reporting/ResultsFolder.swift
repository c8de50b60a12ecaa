import Foundation
import Forecasting
import Scenarios
import TextIO

/// The results layout (DESIGN.md, "Outputs"), written and read in one place:
///
///     <root>/summary.csv            every target of every scenario folder under <root>
///     <root>/<id>/forecast.csv      the fan, per variant and grid date
///     <root>/<id>/feasibility.csv   a row per target × variant
///     <root>/<id>/fit.csv           the fitted families and their parameter draws
///     <root>/<id>/fan.svg           the chart
///     <root>/<id>/seek.csv          what it would take, when the scenario has `seek:`
///     <root>/<id>/families.csv      P(met) per family, when two or more fit
///     <root>/<id>/run.json          what produced them (written last)
///     <root>/<id>/sensitivity.csv   `uptake sensitivity`: P(met) as each input moves
///     <root>/<id>/tornado.svg       `uptake sensitivity`: its chart
///
/// `summary.csv` is rebuilt from the scenario folders (those holding a run.json), in id
/// order, so a failed or partial later batch never loses the rows of an earlier one, and
/// the same scenarios give the same summary whatever order or batches they ran in.
public struct ResultsFolder: Sendable {
    public static let summaryName = "summary.csv"
    public static let manifestName = "run.json"
    public static let feasibilityName = "feasibility.csv"
    public static let seekName = "seek.csv"
    public static let familiesName = "families.csv"
    public static let sensitivityName = "sensitivity.csv"
    public static let tornadoName = "tornado.svg"

    public let root: String

    public init(_ root: String) { self.root = root }

    /// A folder holding a problem of the results layout: one line, naming the path.
    public struct LayoutError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public func folder(for id: String) -> String { (root as NSString).appendingPathComponent(id) }

    /// Throws unless `root` is a folder or can be created as one (an existing file is not).
    public func checkUsable() throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: root, isDirectory: &isFolder), !isFolder.boolValue {
            throw LayoutError(description: "\(root): is a file, not a folder; --out takes the folder the results go to")
        }
    }

    /// Before a run writes: takes the folder's lock (a second run into the same folder fails
    /// with ``FolderLock/Busy``), and clears what a killed run left (``FolderReplacement/recover(in:)``,
    /// here and in each scenario folder). Keep the lock until the run has written everything.
    public func prepareForWriting(purpose: String) throws -> FolderLock {
        try checkUsable()
        let lock = try FolderLock(folder: root, purpose: purpose)
        try FolderReplacement.recover(in: root)
        for id in scenarioIDs() { try FolderReplacement.recover(in: folder(for: id)) }
        return lock
    }

    /// Writes a scenario's folder as a whole (on the calling thread: the batch calls this on
    /// the thread that forecast it): the five files (seven with seek.csv and families.csv) go to a new hidden folder, which then
    /// replaces `<root>/<id>` in one step (``FolderReplacement``), so the folder is never a mix
    /// of two runs, even after kill -9. The write time goes into run.json.
    public func write(_ outcome: ScenarioOutcome, toolVersion: String) throws {
        let id = outcome.scenario.id
        // A file of the user's where the folder goes is not replaced (a link is: see
        // FolderReplacement; rename(2) never writes through it).
        if (try? FileManager.default.attributesOfItem(atPath: folder(for: id))[.type] as? FileAttributeType) == .typeRegular {
            throw LayoutError(description: "cannot write \(folder(for: id)): it is a file, not a scenario's results folder; "
                + "move it or choose another --out")
        }
        let temporary: String
        do { temporary = try FolderReplacement.makeTemporary(for: id, in: root) } catch {
            throw LayoutError(description: "cannot write \(folder(for: id)): \(Self.reason(error))")
        }
        do {
            try writeFiles(outcome, toolVersion: toolVersion, into: temporary)
            try FolderReplacement.replace(folder(for: id), with: temporary)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw LayoutError(description: "cannot write \(folder(for: id)): \(Self.reason(error))")
        }
    }

    /// The system's reason alone ("Not a directory"), for a message that names the folder.
    private static func reason(_ error: Error) -> String {
        (error as? FileError).map { String(cString: strerror($0.code)) } ?? "\(error)"
    }

    private func writeFiles(_ outcome: ScenarioOutcome, toolVersion: String, into folder: String) throws {
        let clock = ContinuousClock()
        let started = clock.now
        let result = outcome.result
        // One buffer for the four documents: its storage grows once, for forecast.csv.
        var text = ForecastTable.table(scenario: outcome.scenario, forecasts: result.forecasts).document
        try AtomicFile.write(text, to: folder + "/forecast.csv")
        text = FeasibilityTable.table(scenario: outcome.scenario.id, forecasts: result.forecasts, reusing: text.take()).document
        try AtomicFile.write(text, to: folder + "/" + Self.feasibilityName)
        text = FitTable.table(fits: result.fits, weights: result.weights, failures: result.failures,
                              draws: result.parameterDraws, reusing: text.take()).document
        try AtomicFile.write(text, to: folder + "/fit.csv")
        text = FanChart.svg(scenario: outcome.scenario, forecasts: result.forecasts, assumptions: outcome.assumptions,
                            reusing: text.take())
        try AtomicFile.write(text, to: folder + "/fan.svg")
        // Issue 12: the optional files (the folder is new, so one that no longer applies is gone).
        if let seek = outcome.seek {
            text = SeekTable.table(scenario: outcome.scenario.id, seek, reusing: text.take()).document
            try AtomicFile.write(text, to: folder + "/" + Self.seekName)
        }
        if let families = outcome.families {
            text = FamilyTable.table(scenario: outcome.scenario.id, families, reusing: text.take()).document
            try AtomicFile.write(text, to: folder + "/" + Self.familiesName)
        }
        // What `uptake sensitivity` wrote for this scenario stays with it until it is run again.
        for name in [Self.sensitivityName, Self.tornadoName] {
            let previous = (self.folder(for: outcome.scenario.id) as NSString).appendingPathComponent(name)
            if let bytes = try? TextFile.bytes(atPath: previous) { try AtomicFile.write(bytes: bytes, to: folder + "/" + name) }
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let manifest = RunManifest(toolVersion: toolVersion, scenario: outcome.scenario, result: result,
                                   assumptions: outcome.assumptions,
                                   timings: [("forecast", outcome.forecastSeconds), ("write", seconds)])
        var buffer = text.take()
        buffer.removeAll()
        buffer.append(manifest.json)
        try AtomicFile.write(buffer, to: folder + "/" + Self.manifestName)
    }

    /// The ids of the scenario folders under `root` (real sub-folders, not links, holding a
    /// run.json), sorted.
    public func scenarioIDs() -> [String] {
        let files = FileManager.default
        guard let names = try? files.contentsOfDirectory(atPath: root) else { return [] }
        return names.filter { name in
            guard !name.hasPrefix(".") else { return false }
            let folder = (root as NSString).appendingPathComponent(name)
            let manifest = (folder as NSString).appendingPathComponent(Self.manifestName)
            return (try? files.attributesOfItem(atPath: folder)[.type] as? FileAttributeType) == .typeDirectory
                && (try? files.attributesOfItem(atPath: manifest)[.type] as? FileAttributeType) == .typeRegular
        }.sorted()
    }

    /// The feasibility rows of every scenario folder, in id order, as written; with the
    /// folders whose feasibility.csv could not be read (one line each, naming the file).
    public func summaryRows() -> (rows: [[String]], problems: [String]) {
        var rows: [[String]] = [], problems: [String] = []
        for id in scenarioIDs() {
            let path = (folder(for: id) as NSString).appendingPathComponent(Self.feasibilityName)
            do {
                let records = try CSVReader.records(in: TextFile.utf8(TextFile.bytes(atPath: path), file: path),
                                                    file: path, mode: .strict)
                guard let header = records.first, header.texts == FeasibilityTable.header else {
                    problems.append("\(path): not a feasibility table of this version (its header differs)")
                    continue
                }
                for record in records.dropFirst() {
                    guard record.count == FeasibilityTable.header.count else {
                        problems.append("\(path):\(record.line): \(record.count) fields, expected \(FeasibilityTable.header.count)")
                        continue
                    }
                    rows.append(record.texts)
                }
            } catch {
                problems.append("\(error)")
            }
        }
        return (rows, problems)
    }

    /// Rebuilds `summary.csv` from the scenario folders; returns the problems
    /// ``summaryRows()`` found (the summary then holds the other folders' rows).
    @discardableResult
    public func writeSummary() throws -> [String] {
        let (rows, problems) = summaryRows()
        try Self.write(FeasibilityTable.table(rows: rows).document, root, Self.summaryName)
        return problems
    }

    /// Writes `uptake sensitivity`'s sensitivity.csv and tornado.svg into the scenario's
    /// folder (created if needed; the other files are left as they are).
    public func writeSensitivity(_ analysis: SensitivityAnalysis, scenario id: String, title: String?) throws {
        let folder = folder(for: id)
        try Self.write(SensitivityTable.table(scenario: id, analysis).document, folder, Self.sensitivityName)
        try Self.write(TornadoChart.svg(scenario: id, title: title, analysis), folder, Self.tornadoName)
    }

    private static func write(_ text: TextBuffer, _ folder: String, _ name: String) throws {
        let path = (folder as NSString).appendingPathComponent(name)
        do { try AtomicFile.write(text, to: path) } catch {
            throw LayoutError(description: "cannot write \(path): \(error.localizedDescription)")
        }
    }
}
