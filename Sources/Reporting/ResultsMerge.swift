import Foundation
import Scenarios
import TextIO

/// `uptake merge`: joins the folders written by `uptake run --shard i/n` into one results
/// folder that is byte for byte what one `uptake run` of the whole batch writes (run.json's
/// timings aside): every scenario folder is copied as it is, then `summary.csv` is rebuilt
/// from the folders (``ResultsFolder/writeSummary()``), as the run rebuilds it.
///
/// Nothing is written unless the shards make up exactly one batch (``check()``): one tool
/// version, seed, paths and batch (the same ids from the same input bytes) in every manifest,
/// each shard 1…n once, every scenario of a shard present in its folder and in no other, and
/// every run.json agreeing with its manifest. Each problem is one line naming the shard,
/// folder or scenario. Copying skips files whose bytes are already in place, so merging
/// again — or into a folder that holds the merged result — changes nothing.
public struct ResultsMerge: Sendable {
    /// One shard: the folder it wrote and its manifest.
    public struct Shard: Sendable {
        public var folder: String
        public var manifestPath: String
        public var manifest: ShardManifest
        var name: String { "shard \(manifest.shard.index) of \(manifest.shard.count) (\(folder))" }
    }

    /// The checked shards: every scenario of the batch that has results, with the folder it
    /// comes from, in id order; and what the shards reported as failed.
    public struct Plan: Sendable {
        public var shards: [Shard]
        public var sources: [(id: String, folder: String)]
        public var failures: [ShardManifest.Failure]
    }

    /// The problems that stop a merge, one line each.
    public struct Problems: Error, Sendable, CustomStringConvertible {
        public var lines: [String]
        public var description: String { lines.joined(separator: "\n") }
    }

    public let inputs: [String]
    public let out: ResultsFolder

    public init(inputs: [String], out: ResultsFolder) {
        self.inputs = inputs
        self.out = out
    }

    /// Reads the manifests of `inputs` and checks that they make up one whole batch.
    public func check() throws -> Plan {
        let outPath = Self.canonical(out.root)
        var problems: [String] = []
        for input in inputs where Self.canonical(input) == outPath {
            problems.append("\(input): is also --out; merge the shard folders into another folder")
        }
        guard problems.isEmpty else { throw Problems(lines: problems) }
        let shards = try Self.shards(in: inputs, kind: .run)
        let batch = shards[0].manifest.batch

        // Every scenario folder in exactly one input, the one whose shard ran it.
        var holders: [String: [String]] = [:]
        for input in Self.unique(inputs) { for id in ResultsFolder(input).scenarioIDs() { holders[id, default: []].append(input) } }
        let claimed = Dictionary(shards.flatMap { shard in shard.manifest.keys.map { ($0, shard) } }, uniquingKeysWith: { a, _ in a })
        let failedKeys = Set(shards.flatMap { $0.manifest.failed.compactMap(\.key) })
        for (id, folders) in holders.sorted(by: { $0.key < $1.key }) {
            if folders.count > 1 {
                problems.append("scenario \(id) is duplicated: in \(folders.joined(separator: " and "))")
            } else if let shard = claimed[id], shard.folder != folders[0] {
                problems.append("scenario \(id) is duplicated: \(folders[0])/\(id) holds it, but it is \(shard.name)'s")
            } else if claimed[id] == nil {
                problems.append("\(folders[0])/\(id): scenario \(id) is not in the batch of the shards (\(batch.count) scenarios)")
            }
        }
        var sources: [(id: String, folder: String)] = []
        for entry in batch {
            let key = entry.key
            guard let shard = claimed[key] else { continue }
            if failedKeys.contains(key) && !(holders[key] ?? []).contains(shard.folder) { continue }
            guard (holders[key] ?? []).contains(shard.folder) else {
                problems.append("scenario \(key) is missing: \(shard.name) lists it but \(shard.folder)/\(key)/run.json does not exist")
                continue
            }
            problems += Self.checkRunJSON(folder: ResultsFolder(shard.folder).folder(for: key), entry: entry, shard: shard)
            sources.append((key, shard.folder))
        }
        // A scenario folder may not land on a shard folder.
        for (id, _) in sources {
            let target = Self.canonical(out.folder(for: id))
            for input in inputs where Self.canonical(input) == target || Self.canonical(input).hasPrefix(target + "/") {
                problems.append("\(input): scenario \(id)'s results would be written over this shard folder; use another --out")
            }
        }
        guard problems.isEmpty else { throw Problems(lines: problems) }
        var seen = Set<String>()
        let failures = shards.flatMap(\.manifest.failed).filter { seen.insert($0.message).inserted }
        return Plan(shards: shards, sources: sources, failures: failures)
    }

    /// Copies every scenario folder of `plan` to `out`, each swapped in whole; a folder that
    /// already holds the same files and bytes is left alone. Returns the ids copied.
    @discardableResult
    public func copy(_ plan: Plan) throws -> [String] {
        try out.checkUsable()
        let files = FileManager.default
        for (id, folder) in plan.sources {
            let source = ResultsFolder(folder).folder(for: id)
            let target = out.folder(for: id)
            let names = try files.contentsOfDirectory(atPath: source).filter { name in
                var isFolder: ObjCBool = false
                return !name.hasPrefix(".")
                    && files.fileExists(atPath: (source as NSString).appendingPathComponent(name), isDirectory: &isFolder)
                    && !isFolder.boolValue
            }.sorted { a, b in (a == ResultsFolder.manifestName ? 1 : 0, a) < (b == ResultsFolder.manifestName ? 1 : 0, b) }
            // A folder already holding exactly these files is left alone (merging again changes
            // nothing); any other is replaced whole, as `uptake run` writes (FolderReplacement):
            // no stale file of an earlier run survives, a kill leaves it old or new, links are
            // replaced, not written through.
            do {
                let contents = try names.map { ($0, try TextFile.bytes(atPath: (source as NSString).appendingPathComponent($0))) }
                let existing = (try? files.contentsOfDirectory(atPath: target))?.filter { !$0.hasPrefix(".") }.sorted()
                if existing == names.sorted(), contents.allSatisfy({ name, bytes in
                    (try? TextFile.bytes(atPath: (target as NSString).appendingPathComponent(name))) == bytes
                }) { continue }
                let temporary = try FolderReplacement.makeTemporary(for: id, in: out.root)
                do {
                    for (name, bytes) in contents { try AtomicFile.write(bytes: bytes, to: temporary + "/" + name) }
                    try FolderReplacement.replace(target, with: temporary)
                } catch {
                    try? files.removeItem(atPath: temporary)
                    throw error
                }
            } catch {
                throw ResultsFolder.LayoutError(description: "cannot copy \(source) to \(target): \(error)")
            }
        }
        return plan.sources.map(\.id)
    }

    // MARK: Checks

    /// The manifests of `kind` in the folders `inputs` (a file stands for its folder), checked
    /// to make up one whole batch (``checkSet(_:)``); throws ``Problems`` otherwise.
    public static func shards(in inputs: [String], kind: ShardManifest.Kind) throws -> [Shard] {
        var problems: [String] = []
        var shards: [Shard] = []
        let files = FileManager.default
        for input in unique(inputs) {
            var isFolder: ObjCBool = false
            guard files.fileExists(atPath: input, isDirectory: &isFolder) else {
                problems.append("\(input): no such folder")
                continue
            }
            guard isFolder.boolValue || kind != .run else {
                problems.append("\(input): not a folder; uptake merge takes the folders of uptake run --shard")
                continue
            }
            let folder = isFolder.boolValue ? input : (input as NSString).deletingLastPathComponent
            let found: [(path: String, manifest: ShardManifest)]
            do { found = try ShardManifest.manifests(in: folder.isEmpty ? "." : folder) } catch {
                problems.append("\(error)")
                continue
            }
            if found.isEmpty {
                problems.append("\(input): no shard manifest (.shard-<i>-of-<n>.json): not written by "
                    + (kind == .run ? "uptake run --shard" : "uptake backtest --panel … --shard"))
            }
            for (path, manifest) in found {
                guard manifest.kind == kind else {
                    problems.append("\(path): a shard of " + (manifest.kind == .run ? "uptake run" : "a panel backtest")
                        + (kind == .run ? "; uptake merge joins the shards of uptake run (panel backtests: uptake backtest --merge-cells)"
                                        : "; --merge-cells joins the shards of uptake backtest --panel (runs: uptake merge)"))
                    continue
                }
                if shards.contains(where: { $0.manifestPath == path }) { continue }
                shards.append(Shard(folder: folder, manifestPath: path, manifest: manifest))
            }
        }
        guard problems.isEmpty, !shards.isEmpty else { throw Problems(lines: problems) }
        problems = checkSet(shards)
        guard problems.isEmpty else { throw Problems(lines: problems) }
        return shards
    }

    /// Problems of manifests that do not make up one batch: different versions, splits,
    /// seeds, paths, settings or batches; a shard missing or given twice; keys that are not
    /// the shard's part of the batch.
    public static func checkSet(_ shards: [Shard]) -> [String] {
        guard let first = shards.first else { return [] }
        var problems = sameBatch(shards, first: first)
        guard problems.isEmpty else { return problems }
        let batch = first.manifest.batch.map(\.key)
        let count = first.manifest.shard.count
        let noun = first.manifest.kind == .run ? "scenarios" : "cells"
        let byIndex = Dictionary(grouping: shards, by: { $0.manifest.shard.index })
        let owner = ScenarioShard.assignment(batch, count: count)
        for index in 1...count {
            let expected = batch.filter { owner[$0] == index }
            guard let holders = byIndex[index] else {
                problems.append("shard \(index) of \(count) is missing: no input holds .shard-\(index)-of-\(count).json "
                    + "(its \(noun): \(list(expected)))")
                continue
            }
            if holders.count > 1 {
                problems.append("shard \(index) of \(count) is given twice: \(holders.map(\.manifestPath).joined(separator: " and "))")
            }
            for shard in holders where shard.manifest.keys != expected {
                problems.append("\(shard.manifestPath): its \(noun) are not shard \(index) of \(count) of its batch "
                    + "(partition: \(ShardManifest.partitionRule))")
            }
        }
        return problems
    }

    /// Problems of shards that do not come from one batch run one way, against the first.
    static func sameBatch(_ shards: [Shard], first: Shard) -> [String] {
        var problems: [String] = []
        let a = first.manifest
        func describe(_ seed: String?) -> String { seed.map { "--seed \($0)" } ?? "each scenario's own seed (no --seed)" }
        func describe(_ paths: Int?) -> String { paths.map { "--paths \($0)" } ?? "each scenario's own paths (no --paths)" }
        for shard in shards.dropFirst() {
            let b = shard.manifest
            if b.toolVersion != a.toolVersion {
                problems.append("shards of different versions: \(first.name) was run by uptake \(a.toolVersion), \(shard.name) by \(b.toolVersion)")
            }
            if b.shard.count != a.shard.count {
                problems.append("shards of different splits: \(first.name) and \(shard.name)")
            }
            if b.seed != a.seed {
                problems.append("shards of different seeds: \(first.name) ran with \(describe(a.seed)), \(shard.name) with \(describe(b.seed))")
            }
            if b.paths != a.paths {
                problems.append("shards of different paths: \(first.name) ran with \(describe(a.paths)), \(shard.name) with \(describe(b.paths))")
            }
            if b.settings.map({ "\($0.0)=\($0.1)" }) != a.settings.map({ "\($0.0)=\($0.1)" }) {
                problems.append("shards of different settings: \(first.name) and \(shard.name)")
            }
            let keysA = Dictionary(a.batch.map { ($0.key, $0) }, uniquingKeysWith: { x, _ in x })
            let keysB = Dictionary(b.batch.map { ($0.key, $0) }, uniquingKeysWith: { x, _ in x })
            let onlyA = keysA.keys.filter { keysB[$0] == nil }.sorted(), onlyB = keysB.keys.filter { keysA[$0] == nil }.sorted()
            // (Entries' seeds and paths differ whenever --seed or --paths did: said above.)
            let optionsDiffer = b.seed != a.seed || b.paths != a.paths
            let changed = keysA.keys.filter { key in
                guard let x = keysA[key], let y = keysB[key] else { return false }
                return x.inputSHA256 != y.inputSHA256 || (!optionsDiffer && x != y)
            }.sorted()
            if !onlyA.isEmpty || !onlyB.isEmpty || !changed.isEmpty {
                var parts: [String] = []
                if !onlyA.isEmpty { parts.append("\(Self.list(onlyA)) only in \(first.name)'s") }
                if !onlyB.isEmpty { parts.append("\(Self.list(onlyB)) only in \(shard.name)'s") }
                if !changed.isEmpty { parts.append("\(Self.list(changed)) read from different file contents or run with other seeds or paths") }
                problems.append("shards of different batches: " + parts.joined(separator: "; "))
            }
        }
        return problems
    }

    /// run.json agrees with the shard's manifest: the scenario, input, version, seed, paths.
    static func checkRunJSON(folder: String, entry: ShardManifest.Entry, shard: Shard) -> [String] {
        let path = (folder as NSString).appendingPathComponent(ResultsFolder.manifestName)
        let run: JSONValue
        do { run = try JSONValue.parse(Data(try TextFile.bytes(atPath: path))) } catch {
            return ["\(path): cannot be read: \(error)"]
        }
        var problems: [String] = []
        let m = shard.manifest
        if run["scenario"]?.string != entry.key {
            problems.append("\(path): scenario '\(run["scenario"]?.string ?? "")', expected '\(entry.key)'")
        }
        if run["version"]?.string != m.toolVersion {
            problems.append("\(path): written by uptake \(run["version"]?.string ?? "?"), but the shards ran uptake \(m.toolVersion)")
        }
        if let seed = entry.seed, run["seed"]?.string != seed {
            problems.append("\(path): seed \(run["seed"]?.string ?? "?"), but \(shard.name) ran \(entry.key) with seed \(seed)")
        }
        if let paths = entry.paths, run["paths"]?.integer != paths {
            problems.append("\(path): \(run["paths"]?.integer.map(String.init) ?? "?") paths, but \(shard.name) ran \(entry.key) "
                + "with \(paths)")
        }
        if run["input_sha256"]?.string != entry.inputSHA256 {
            problems.append("\(path): made from other input bytes than the batch's \(entry.key) (input_sha256 differs)")
        }
        return problems
    }

    /// `paths` without repeats of the same folder, in order.
    static func unique(_ paths: [String]) -> [String] {
        var seen = Set<String>()
        return paths.filter { seen.insert(canonical($0)).inserted }
    }

    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    static func list(_ keys: [String]) -> String {
        let ids = keys.map { $0.replacingOccurrences(of: "\t", with: " ") }
        return ids.count <= 5 ? ids.joined(separator: ", ") : ids.prefix(5).joined(separator: ", ") + " and \(ids.count - 5) more"
    }
}
