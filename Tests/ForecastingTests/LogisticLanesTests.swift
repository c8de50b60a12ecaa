import Fitting
import ForecastingAVX2
import LinearAlgebra
import XCTest
@testable import Forecasting

/// The step loop's four-lane path for a plain logistic batch (one family, no launch, no
/// levers, a level) against the path-by-path loop on the same paths: a variant whose growth
/// multiplier is exactly 1 changes nothing but sends the paths through the general loop. The
/// two must agree to the last bits the vector exp can change (≤ 2 ulp of libm's), on every
/// quantile, mean and CDF value, P(met) and reach date — for paths counts that are and are
/// not multiples of four.
final class LogisticLanesTests: XCTestCase {
    func testFourLanePathAgreesWithThePathByPathLoop() throws {
        let neutral = VariantLevers(id: "neutral", growthMultiplier: .uniform(lower: 1, upper: 1))
        let target = ForecastTarget(label: "826 by mid-2025", value: 826, deadline: ForecastFixtures.date("2025-06-15"))
        for paths in [1000, 1003] {
            let request = ForecastFixtures.request(ForecastFixtures.tightLogisticSeries(), families: [.logistic],
                                                   variants: [.baseline, neutral], targets: [target], paths: paths)
            let result = try Forecaster.run(request, jobs: 2)
            let (lanes, general) = (result.forecasts[0], result.forecasts[1])
            func close(_ a: Double, _ b: Double, _ what: String) {
                XCTAssertEqual(a, b, accuracy: 1e-12 * max(1, abs(a)), "\(what), \(paths) paths")
            }
            for h in lanes.own.quantiles.indices {
                for l in lanes.own.levels.indices { close(lanes.own.quantiles[h][l], general.own.quantiles[h][l], "quantile") }
                close(lanes.own.mean[h], general.own.mean[h], "mean")
                for k in lanes.own.cdf[h].indices { close(lanes.own.cdf[h][k], general.own.cdf[h][k], "cdf") }
            }
            let a = lanes.feasibility[0], b = general.feasibility[0]
            close(a.pMeet, b.pMeet, "P(met)")
            close(a.valueAtDeadline.q50, b.valueAtDeadline.q50, "value at the deadline")
            XCTAssertEqual(a.dateReached.q50, b.dateReached.q50)
            // Not vacuous: the target is neither certain nor impossible.
            XCTAssertGreaterThan(a.pMeet, 0.05)
            XCTAssertLessThan(a.pMeet, 0.95)
        }
    }
}

/// The lane kernel built for x86-64-v3 (ForecastingAVX2) against the portable build, on the
/// same inputs: bit-for-bit the same state and reach times (the two differ only in the
/// instructions the compiler picked), over steps with and without a deadline, with targets
/// that paths cross, on both scales, and with a non-finite group that stops the lanes.
final class LogisticLaneKernelBuildsTests: XCTestCase {
    func testAVX2BuildAgreesBitForBitWithThePortableBuild() throws {
        try XCTSkipUnless(ProcessorFeatures.hasAVX2AndFMA, "this processor has no x86-64-v3")
        var generator = SplitMix64(seed: 11)
        func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * Double(generator.next() >> 11) * 0x1p-53 }
        for (scale, count, top) in [(NaturalScale.log, 1024, Double.infinity), (.logit(bound: 100), 1003, 100)] {
            let keys = (0..<count).map { CounterBasedRandomStream(seed: 5, path: $0).key }
            var parameters = LogisticLaneParameters()
            parameters.ceiling = (0..<count).map { _ in uniform(50, 99) }
            parameters.rate = (0..<count).map { _ in uniform(0.1, 1.5) }
            parameters.midpoint = (0..<count).map { _ in uniform(2020, 2030) }
            let noise = (0..<count).map { _ in uniform(-0.3, 0.3) }
            let latents = (0..<count).map { _ in uniform(1, 40) }
            let series = (0..<count).map { _ in uniform(1, 45) }
            let reach = [Double](repeating: .infinity, count: 2 * count)
            let zeros = [Double](repeating: 0, count: count)
            // Every path (the lanes stop at the last whole group of four), then with a NaN rate
            // at path 37, where they stop at 36 and the general loop would take over.
            for (m, keepBefore, poisoned) in [(0, false, false), (7, true, false), (7, true, true)] {
                var parameters = parameters
                if poisoned { parameters.rate[37] = .nan }
                let step = LogisticLaneStep(
                    slot: 32 + m, time: 2024.5 + Double(m) / 12, previousTime: 2024.5 + Double(m - 1) / 12,
                    decay: 0.94, innovationSD: 0.05, addsZeroShift: m > 3, cap: 97, top: top,
                    scale: scale, targets: [.init(value: 30, earliest: -.infinity, base: 0),
                                            .init(value: 42, earliest: 2024, base: count)],
                    keepBefore: keepBefore)
                var portable = (noise, latents, series, reach, zeros, zeros, zeros)
                var avx2 = portable
                let a = LogisticLaneKernel.run(step, keys: keys, parameters: parameters, noise: &portable.0,
                                               latents: &portable.1, series: &portable.2, reachTimes: &portable.3,
                                               noiseBefore: &portable.4, latentBefore: &portable.5, seriesBefore: &portable.6)
                let b = AVX2Kernels.logisticStep(step, keys, parameters, &avx2.0, &avx2.1, &avx2.2, &avx2.3,
                                                 &avx2.4, &avx2.5, &avx2.6)
                XCTAssertEqual(a, b)
                XCTAssertEqual(a, poisoned ? 36 : count & ~3)
                for (x, y) in [(portable.0, avx2.0), (portable.1, avx2.1), (portable.2, avx2.2), (portable.3, avx2.3),
                               (portable.4, avx2.4), (portable.5, avx2.5), (portable.6, avx2.6)] {
                    XCTAssertEqual(x.map(\.bitPattern), y.map(\.bitPattern), "\(scale), step \(m)")
                }
                // Not vacuous: the state moved and some paths crossed a target in this step.
                XCTAssertNotEqual(portable.2, series)
                if !poisoned { XCTAssertNotEqual(portable.2[a - 1], series[a - 1], "the last group moved") }
                XCTAssertTrue(portable.3.contains { $0.isFinite })
            }
        }
    }
}
