import Foundation
import Scenarios
import TextIO

/// What one shard of a batch ran, written beside its results so that `uptake merge` can tell
/// a complete set of shards from an incomplete or mixed one:
///
///     <out>/.shard-2-of-4.json
///     {
///       "tool": "uptake", "kind": "run", "version": "0.1.0",
///       "shard": 2, "shards": 4, "partition": "sorted keys, round-robin",
///       "seed": "7", "paths": 500,            (the batch's --seed and --paths; null: each scenario's own)
///       "settings": {},                        (other options the results depend on)
///       "batch": [{"key": "a", "input_sha256": "…", "seed": "1", "paths": 500}, …],
///                                              (every key of the batch, sorted; a scenario's seed and paths as run)
///       "keys": ["b", "f", …],                 (this shard's keys)
///       "failed": [{"key": "f", "file": "f.yaml", "status": 3, "message": "…"}],
///       "payload": …                           (kind-specific; a panel backtest's exact scores)
///     }
///
/// A key is a scenario id for `uptake run --shard` and a panel cell (panel, series, cutoff)
/// for `uptake backtest --panel --shard`. The name starts with a dot, so the results folder's
/// listing (``ResultsFolder/scenarioIDs()``) and the scenario loader skip it. The file is
/// written last, when the shard's results are complete: a shard that died has none.
public struct ShardManifest: Sendable {
    public enum Kind: String, Sendable {
        case run
        case panelBacktest = "panel-backtest"
    }

    /// A key of the shard that produced no result, or a file of the batch that did not load
    /// (then `key` is nil and every shard reports it).
    public struct Failure: Sendable, Equatable {
        public var key: String?
        public var file: String
        public var status: ExitStatus
        public var message: String

        public init(key: String?, file: String, status: ExitStatus, message: String) {
            self.key = key; self.file = file; self.status = status; self.message = message
        }
    }

    /// A key of the batch: the SHA-256 of the input it came from ("" when it has none of its
    /// own), and for a scenario the seed and paths it runs with (the batch's --seed and
    /// --paths, or its file's).
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var inputSHA256: String
        public var seed: String?
        public var paths: Int?

        public init(key: String, inputSHA256: String = "", seed: String? = nil, paths: Int? = nil) {
            self.key = key; self.inputSHA256 = inputSHA256; self.seed = seed; self.paths = paths
        }
    }

    public static let partitionRule = "sorted keys, round-robin"

    public var kind: Kind
    public var toolVersion: String
    public var shard: ScenarioShard
    public var seed: String?
    public var paths: Int?
    /// Options besides seed and paths that the results depend on (name → value), compared as
    /// a whole by the merge.
    public var settings: [(String, String)]
    /// Every key of the batch, in ``ScenarioShard/ordered(_:)`` order.
    public var batch: [Entry]
    /// This shard's keys.
    public var keys: [String]
    public var failed: [Failure]
    public var payload: JSONValue

    public init(kind: Kind, toolVersion: String, shard: ScenarioShard, seed: String?, paths: Int?,
                settings: [(String, String)] = [], batch: [Entry], keys: [String],
                failed: [Failure], payload: JSONValue = .null) {
        self.kind = kind; self.toolVersion = toolVersion; self.shard = shard; self.seed = seed; self.paths = paths
        self.settings = settings; self.batch = batch; self.keys = keys; self.failed = failed; self.payload = payload
    }

    /// The manifest of `uptake run --shard`: the batch's ids with their input hashes, the
    /// shard's ids, the batch's --seed and --paths, and what failed.
    public static func run(_ plan: ScenarioBatch.ShardPlan, failures: [ScenarioBatch.Failure], toolVersion: String,
                           seed: String?, paths: Int?) -> ShardManifest {
        ShardManifest(kind: .run, toolVersion: toolVersion, shard: plan.shard, seed: seed, paths: paths,
                      batch: plan.batch.map { Entry(key: $0.id, inputSHA256: $0.inputSHA256, seed: String($0.seed), paths: $0.paths) },
                      keys: plan.ids,
                      failed: failures.map { Failure(key: $0.id, file: $0.file, status: $0.status, message: $0.message) })
    }

    /// `.shard-<i>-of-<n>.json`.
    public static func fileName(_ shard: ScenarioShard) -> String { ".shard-\(shard.index)-of-\(shard.count).json" }

    /// Whether `name` has the form of ``fileName(_:)``.
    public static func isManifestName(_ name: String) -> Bool {
        name.hasPrefix(".shard-") && name.hasSuffix(".json") && name.contains("-of-")
    }

    /// The manifests in `folder`, sorted by name; throws when one cannot be read.
    public static func manifests(in folder: String) throws -> [(path: String, manifest: ShardManifest)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return try names.filter(isManifestName).sorted().map { name in
            let path = (folder as NSString).appendingPathComponent(name)
            return (path, try read(path: path))
        }
    }

    public var json: String {
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        let document = JSONValue.object([
            ("tool", .string("uptake")),
            ("kind", .string(kind.rawValue)),
            ("version", .string(toolVersion)),
            ("shard", .integer(shard.index)),
            ("shards", .integer(shard.count)),
            ("partition", .string(Self.partitionRule)),
            ("seed", text(seed)),
            ("paths", paths.map(JSONValue.integer) ?? .null),
            ("settings", .object(settings.map { ($0.0, .string($0.1)) })),
            ("batch", .array(batch.map { entry in
                .object([("key", .string(entry.key)), ("input_sha256", .string(entry.inputSHA256))]
                    + (entry.seed.map { [("seed", JSONValue.string($0))] } ?? [])
                    + (entry.paths.map { [("paths", JSONValue.integer($0))] } ?? []))
            })),
            ("keys", .array(keys.map(JSONValue.string))),
            ("failed", .array(failed.map {
                .object([("key", text($0.key)), ("file", .string($0.file)), ("status", .integer(Int($0.status.rawValue))),
                         ("message", .string($0.message))])
            })),
            ("payload", payload),
        ])
        return document.rendered() + "\n"
    }

    /// Removes every shard manifest in `folder` (a run about to write the folder again).
    public static func removeAll(in folder: String) throws {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where isManifestName(name) {
            try FileManager.default.removeItem(atPath: (folder as NSString).appendingPathComponent(name))
        }
    }

    public func write(to folder: String) throws {
        let path = (folder as NSString).appendingPathComponent(Self.fileName(shard))
        do { try AtomicFile.write(json, to: path) } catch {
            throw ResultsFolder.LayoutError(description: "cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// Reads a manifest; a file that is not one is a one-line error naming it.
    public static func read(path: String) throws -> ShardManifest {
        func bad(_ why: String) -> ResultsFolder.LayoutError {
            ResultsFolder.LayoutError(description: "\(path): not a shard manifest of uptake (\(why))")
        }
        let value: JSONValue
        do {
            let bytes = try TextFile.bytes(atPath: path)
            value = try JSONValue.parse(Data(bytes))
        } catch let error as LocatedError {
            throw ResultsFolder.LayoutError(description: "\(error)")
        } catch {
            throw bad("not JSON")
        }
        guard case let .object(members) = value, value["tool"]?.string == "uptake" else { throw bad("no \"tool\": \"uptake\"") }
        func field(_ name: String) throws -> JSONValue {
            guard let field = members.first(where: { $0.0 == name })?.1 else { throw bad("no \"\(name)\"") }
            return field
        }
        guard let kind = Kind(rawValue: try field("kind").string ?? "") else { throw bad("unknown \"kind\"") }
        guard let version = try field("version").string else { throw bad("\"version\" is not a string") }
        guard let index = try field("shard").integer, let count = try field("shards").integer else {
            throw bad("\"shard\" and \"shards\" are not integers")
        }
        let shard: ScenarioShard
        do { shard = try ScenarioShard(index: index, count: count) } catch { throw bad("\(error)") }
        guard case let .object(settings) = try field("settings"), case let .array(batch) = try field("batch"),
              case let .array(keys) = try field("keys"), case let .array(failed) = try field("failed") else {
            throw bad("\"settings\", \"batch\", \"keys\" or \"failed\" has the wrong type")
        }
        let seed = try field("seed"), paths = try field("paths")
        switch seed { case .null, .string: break; default: throw bad("\"seed\" is not a string") }
        switch paths { case .null, .integer: break; default: throw bad("\"paths\" is not an integer") }
        var manifest = ShardManifest(
            kind: kind, toolVersion: version, shard: shard, seed: seed.string, paths: paths.integer,
            settings: try settings.map { name, value in
                guard let text = value.string else { throw bad("setting \"\(name)\" is not a string") }
                return (name, text)
            },
            batch: try batch.map { entry in
                guard let key = entry["key"]?.string, let sha = entry["input_sha256"]?.string else { throw bad("a batch entry") }
                return Entry(key: key, inputSHA256: sha, seed: entry["seed"]?.string, paths: entry["paths"]?.integer)
            },
            keys: try keys.map { key in
                guard let text = key.string else { throw bad("a key is not a string") }
                return text
            },
            failed: try failed.map { entry in
                guard let file = entry["file"]?.string, let code = entry["status"]?.integer,
                      let status = ExitStatus(rawValue: Int32(code)), let message = entry["message"]?.string else {
                    throw bad("a \"failed\" entry")
                }
                return Failure(key: entry["key"]?.string, file: file, status: status, message: message)
            })
        manifest.payload = try field("payload")
        return manifest
    }
}
