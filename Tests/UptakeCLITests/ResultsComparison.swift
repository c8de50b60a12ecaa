import Foundation

/// Byte-for-byte comparison of two results folders, as the sharding contract states it:
/// the same files (hidden ones included) with the same bytes, except that run.json's
/// `timings` — the one field DESIGN.md lets differ between two runs of the same input — are
/// left out.
enum ResultsComparison {
    /// Every regular file under `folder`, relative and sorted, skipping the top-level entries
    /// named in `skipping` (e.g. the shard folders of a Slurm run's output).
    static func listing(_ folder: URL, skipping: Set<String> = []) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        var files: [String] = []
        while let item = enumerator.nextObject() as? String {
            if let top = item.split(separator: "/").first, skipping.contains(String(top)) { continue }
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent(item).path, isDirectory: &isFolder),
               !isFolder.boolValue {
                files.append(item)
            }
        }
        return files.sorted()
    }

    /// A file's bytes, with run.json's timing lines ("…_seconds": x) removed.
    static func comparable(_ url: URL) throws -> Data {
        let data = try Data(contentsOf: url)
        guard url.lastPathComponent == "run.json" else { return data }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        return Data(lines.filter { !$0.contains("_seconds\": ") }.joined(separator: "\n").utf8)
    }

    /// One line per difference: a file in one folder only, or files whose bytes differ.
    static func differences(_ a: URL, _ b: URL, skipping: Set<String> = [], exactRunJSON: Bool = false) throws -> [String] {
        let left = listing(a, skipping: skipping), right = listing(b, skipping: skipping)
        var out = Set(left).symmetricDifference(right).sorted().map { "only in one folder: \($0)" }
        for file in Set(left).intersection(right).sorted() {
            let x = a.appendingPathComponent(file), y = b.appendingPathComponent(file)
            let same = exactRunJSON ? try Data(contentsOf: x) == Data(contentsOf: y) : try comparable(x) == comparable(y)
            if !same { out.append("differs: \(file)") }
        }
        return out
    }
}
