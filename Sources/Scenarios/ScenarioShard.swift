/// One part of a batch split into `count` parts (`uptake run --shard 2/4`), numbered from 1 as
/// Slurm's array task ids are (`sbatch --array=1-4` sets `$SLURM_ARRAY_TASK_ID` to 1…4).
///
///     let shard = try ScenarioShard(parsing: "2/4")
///     shard.select(["c", "a", "e", "b", "d"])   // ["b"]: sorted a b c d e, the 2nd of every 4
///
/// **The partition.** The keys of the whole batch (scenario ids; for a panel backtest, its
/// cells) are sorted by their UTF-8 bytes, and the k-th of them (k = 0, 1, …) goes to shard
/// k mod count + 1: round-robin over the sorted list. So the partition depends on the set of
/// keys alone — not on the order of files or arguments, the machine, the locale or the number
/// of threads — every key is in exactly one shard, and shard sizes differ by at most one.
/// What does *not* hold: a key's shard is not stable when keys are added or removed (a hash
/// would be, at the price of uneven shards); shards of different batches are not mixed, which
/// `uptake merge` checks with the manifests.
public struct ScenarioShard: Sendable, Equatable, CustomStringConvertible {
    /// 1…count.
    public let index: Int
    public let count: Int

    /// Throws a one-line message unless 1 ≤ index ≤ count.
    public init(index: Int, count: Int) throws(ShardError) {
        guard count >= 1 else { throw ShardError("--shard \(index)/\(count): the number of shards must be at least 1") }
        guard (1...count).contains(index) else {
            throw ShardError("--shard \(index)/\(count): shards are numbered 1…\(count) (as $SLURM_ARRAY_TASK_ID is "
                + "with sbatch --array=1-\(count)), got \(index)")
        }
        self.index = index
        self.count = count
    }

    /// Reads `i/n`.
    public init(parsing text: String) throws(ShardError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw ShardError("--shard takes i/n, e.g. 2/4 (shard 2 of 4, numbered from 1), got '\(text)'")
        }
        try self.init(index: i, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    /// `keys` in the partition's order (sorted by UTF-8 bytes, duplicates removed).
    public static func ordered(_ keys: [String]) -> [String] {
        Array(Set(keys)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The shard (1…count) of each key of `keys`, by its place in ``ordered(_:)``.
    public static func assignment(_ keys: [String], count: Int) -> [String: Int] {
        var out: [String: Int] = [:]
        for (k, key) in ordered(keys).enumerated() { out[key] = k % count + 1 }
        return out
    }

    /// This shard's keys, in the partition's order.
    public func select(_ keys: [String]) -> [String] {
        ordered(keys).enumerated().filter { $0.offset % count + 1 == index }.map(\.element)
    }

    private func ordered(_ keys: [String]) -> [String] { Self.ordered(keys) }
}

/// A bad `--shard` value or an inconsistent set of shards: one line, for exit code 2.
public struct ShardError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
