import Fitting
import Yams

/// `observations:` (a list of `{date, value, of, assumed, note}`) or `data:` (a CSV beside
/// the scenario file, ``ScenarioDataFile``) — one or the other, or neither when `launch`, a
/// ceiling and a growth prior stand in for data (checked in ``ScenarioCrossChecks``).
///
/// Checked here, for inline and CSV observations alike: dates oldest first and each once,
/// a whole (`of`) greater than 0. Values against the metric's kind, the launch and the
/// ceiling are cross checks.
struct ObservationsSection {
    /// The keys of one inline observation.
    static let keys = ["date", "value", "of", "assumed", "note"]

    var located: [LocatedObservation] = []
    /// The CSV's bytes, part of the input hash.
    var dataBytes: [UInt8]?
    /// The `observations` or `data` key, where "observations are required" points.
    var key: Node?

    init(_ top: Fields, _ reader: NodeReader) throws {
        if top["observations"] != nil, let dataNode = top["data"] {
            throw reader.error(top.keys["data"] ?? dataNode, "give either observations or data: file.csv, not both")
        }
        key = top.keys["observations"] ?? top.keys["data"]
        if let node = top["observations"] {
            for (index, item) in try reader.sequence(node, "observations", of: "{date, value}").enumerated() {
                located.append(try Self.observation(item, "observations[\(index + 1)]", reader))
            }
        } else if let node = top["data"] {
            let relative = try reader.text(node, "data")
            let (path, bytes): (String, [UInt8])
            switch ScenarioLoader.dataFile(relative, besides: reader.file) {
            case let .success(file): (path, bytes) = file
            case let .failure(problem): throw reader.error(node, problem.message)
            }
            located = try ScenarioDataFile.read(bytes: bytes, file: path)
            dataBytes = bytes
        }
        try checkOrder()
    }

    static func observation(_ node: Node, _ name: String, _ reader: NodeReader) throws -> LocatedObservation {
        let fields = try reader.fields(node, name, allowed: keys)
        let dateNode = try fields.require("date", "YYYY-MM-DD")
        let valueNode = try fields.require("value", "a number")
        let observation = ScenarioObservation(date: try reader.date(dateNode, "\(name).date"),
                                              value: try reader.number(valueNode, "\(name).value"),
                                              of: try fields.number("of"), assumed: try fields.bool("assumed") ?? false,
                                              note: try fields.text("note"))
        return LocatedObservation(observation: observation, name: name, date: reader.location(dateNode),
                                  value: reader.location(valueNode), of: fields["of"].map(reader.location))
    }

    /// Dates strictly increasing; a whole greater than 0.
    func checkOrder() throws {
        var previous: LocatedObservation?
        for entry in located {
            let o = entry.observation
            if let previous {
                if o.date == previous.observation.date {
                    throw entry.date.error("\(entry.field("date")) \(o.date) appears twice (also at line \(previous.date.line ?? 0)); each date may have one value")
                }
                if o.date < previous.observation.date {
                    throw entry.date.error("\(entry.field("date")) \(o.date) is before the previous observation (\(previous.observation.date)); list observations oldest first")
                }
            }
            if let whole = o.of, whole <= 0 {
                throw (entry.of ?? entry.value).error("\(entry.field("of")) must be greater than 0 (the whole), got \(NodeReader.format(whole))")
            }
            previous = entry
        }
    }
}

/// `launch: 2022-03-31`, or `launch: {date: 2022-03-31, assumed: true, note: …}` when the
/// source does not give the date: level 0 on this date. Read beside the observations, whose
/// series it starts.
struct LaunchEntry {
    static let keys = ["date", "assumed", "note"]

    var date: CalendarDate
    var assumed = false
    var note: String?

    init(_ node: Node, _ reader: NodeReader) throws {
        guard case .mapping = node else {
            date = try reader.date(node, "launch")
            return
        }
        let fields = try reader.fields(node, "launch", allowed: Self.keys)
        date = try reader.date(try fields.require("date", "a date YYYY-MM-DD"), "launch.date")
        assumed = try fields.bool("assumed") ?? false
        note = try fields.text("note")
    }
}
