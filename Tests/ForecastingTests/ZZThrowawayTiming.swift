import XCTest
import Fitting
import Forecasting
final class ZZThrowawayTiming: XCTestCase {
    func testThrowawayTiming() throws {
        let series = ForecastFixtures.tightLogisticSeries()
        // reference 2023-03-31; 60 monthly steps → horizon 2028-03-31
        for jobs in [1, 2] {
            var best = Double.infinity, overhead = Double.infinity
            for _ in 0..<5 {
                var r = ForecastFixtures.request(series, horizon: "2028-03-31", paths: 10)
                var t = Date(); _ = try Forecaster.run(r, jobs: jobs); overhead = min(overhead, Date().timeIntervalSince(t))
                r.paths = 10_000
                XCTAssertEqual(r.grid.dates.count, 60)
                t = Date(); _ = try Forecaster.run(r, jobs: jobs); best = min(best, Date().timeIntervalSince(t))
            }
            print(String(format: "TIMING jobs %d: total %.1f ms (fit+setup %.1f ms) → %.0f paths/s end to end, %.0f paths/s simulation+summaries",
                         jobs, best * 1000, overhead * 1000, 10_000 / best, 10_000 / (best - overhead)))
        }
    }
}
final class ZZThrowawaySortTiming: XCTestCase {
    func testSortTiming() {
        var g = SystemRandomNumberGenerator()
        let cols = (0..<60).map { _ in (0..<10_000).map { _ in Double.random(in: 0...1000, using: &g) } }
        var best = Double.infinity
        for _ in 0..<5 {
            var c = cols
            let t = Date()
            for i in 0..<60 { c[i].sort() }
            best = min(best, Date().timeIntervalSince(t))
        }
        print(String(format: "TIMING sort 60×10k: %.1f ms", best * 1000))
    }
}
@testable import Forecasting
final class ZZThrowawayRadixTiming: XCTestCase {
    func testRadixTiming() {
        var g = SystemRandomNumberGenerator()
        let cols = (0..<60).map { _ in (0..<10_000).map { _ in Double.random(in: 0...1000, using: &g) } }
        var best = Double.infinity
        var sorter = RadixSort()
        for _ in 0..<5 {
            var c = cols
            let t = Date()
            for i in 0..<60 { sorter.sort(&c[i]) }
            best = min(best, Date().timeIntervalSince(t))
        }
        print(String(format: "TIMING radix 60×10k: %.1f ms", best * 1000))
    }
}
