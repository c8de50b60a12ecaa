import Scenarios
import XCTest

/// The partition of `--shard i/n`: sorted keys round-robin, so it depends on the set of keys
/// only, covers every key once, and balances shard sizes to within one.
final class ScenarioShardTests: XCTestCase {
    private let ids = (1...23).map { "scenario-\($0)" } + ["a", "z-last", "m"]

    func testEveryKeyIsInExactlyOneShardAndSizesDifferByAtMostOne() throws {
        for count in [1, 2, 3, 4, 7, 26, 40] {
            let shards = try (1...count).map { try ScenarioShard(index: $0, count: count).select(ids) }
            XCTAssertEqual(shards.flatMap { $0 }.sorted(), ids.sorted(), "\(count) shards")
            let sizes = shards.map(\.count)
            XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1, "\(count) shards: \(sizes)")
            let assignment = ScenarioShard.assignment(ids, count: count)
            for (index, keys) in shards.enumerated() { for key in keys { XCTAssertEqual(assignment[key], index + 1) } }
        }
    }

    func testThePartitionDependsOnTheSetOfKeysNotTheirOrder() throws {
        var generator = SystemRandomNumberGenerator()
        let shard = try ScenarioShard(index: 2, count: 4)
        let reference = shard.select(ids)
        for _ in 0..<20 { XCTAssertEqual(shard.select(ids.shuffled(using: &generator)), reference) }
        // Sorted by UTF-8 bytes (not by a locale): "Z" < "a" < "é".
        XCTAssertEqual(ScenarioShard.ordered(["é", "a", "Z", "b-2", "b-10"]), ["Z", "a", "b-10", "b-2", "é"])
        XCTAssertEqual(try ScenarioShard(parsing: "2/3").select(["c", "a", "e", "b", "d"]), ["b", "e"])
    }

    func testIndicesAreOneBasedAndBadValuesAreOneLine() {
        XCTAssertEqual(try ScenarioShard(parsing: "4/4"), try ScenarioShard(index: 4, count: 4))
        for (text, message) in [
            ("0/4", "--shard 0/4: shards are numbered 1…4 (as $SLURM_ARRAY_TASK_ID is with sbatch --array=1-4), got 0"),
            ("3/2", "--shard 3/2: shards are numbered 1…2 (as $SLURM_ARRAY_TASK_ID is with sbatch --array=1-2), got 3"),
            ("1/0", "--shard 1/0: the number of shards must be at least 1"),
            ("1/-2", "--shard 1/-2: the number of shards must be at least 1"),
            ("1-4", "--shard takes i/n, e.g. 2/4 (shard 2 of 4, numbered from 1), got '1-4'"),
            ("/4", "--shard takes i/n, e.g. 2/4 (shard 2 of 4, numbered from 1), got '/4'"),
        ] {
            XCTAssertThrowsError(try ScenarioShard(parsing: text), text) { error in
                XCTAssertEqual("\(error)", message)
            }
        }
    }
}
