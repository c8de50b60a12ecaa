import Foundation
import LinearAlgebra
import XCTest
@testable import Forecasting

/// The ziggurat's normals against Φ: the whole distribution (Kolmogorov–Smirnov), the tail
/// beyond the base layer, the wedges, and the tables.
final class NormalZigguratTests: XCTestCase {
    /// Four lanes at once give, lane by lane, the bits of the one-at-a-time ziggurat: on 4·10⁵
    /// random words (≈ 2.8 % of lanes take the slow path, so most groups of four have one),
    /// and on words whose 53-bit uniform part sits at the ends and at 2⁵² (where the exact
    /// integer-to-double conversion matters).
    func testFourLanesEqualOneAtATime() {
        let tables = NormalZiggurat.tables
        var generator = SplitMix64(seed: 99)
        var slowLanes = 0
        for _ in 0..<100_000 {
            let words = SIMD4(generator.next(), generator.next(), generator.next(), generator.next())
            let lanes = NormalZiggurat.normals(words, tables)
            for l in 0..<4 {
                let one = NormalZiggurat.normal(words[l], tables)
                XCTAssertEqual(lanes[l].bitPattern, one.bitPattern, "word \(words[l])")
                let u = 2 * NormalZiggurat.uniform(words[l]) - 1
                if !(abs(u) < tables.ratios[Int(words[l] & 0x7F)]) { slowLanes += 1 }
            }
        }
        XCTAssertGreaterThan(slowLanes, 8_000)   // the slow path was exercised
        let edges: [UInt64] = [0, 0x7F, 1 << 11, (1 << 63) | 5, UInt64.max, UInt64.max - 0x7FF,
                               (1 << 63) &- 1, (1 << 52) << 11, ((1 << 52) - 1) << 11, ((1 << 53) - 1) << 11 | 0x42]
        for start in stride(from: 0, to: edges.count - 3, by: 1) {
            let words = SIMD4(edges[start], edges[start + 1], edges[start + 2], edges[start + 3])
            let lanes = NormalZiggurat.normals(words, tables)
            for l in 0..<4 {
                XCTAssertEqual(lanes[l].bitPattern, NormalZiggurat.normal(words[l], tables).bitPattern, "word \(words[l])")
            }
        }
    }

    func testTablesCloseTheLayers() {
        let x = NormalZiggurat.edges
        XCTAssertEqual(x[1], NormalZiggurat.tailStart)
        XCTAssertEqual(x[NormalZiggurat.layers], 0)
        // Every rectangle has area v: xᵢ·(f(xᵢ₊₁) − f(xᵢ)) = v for i = 1…126; the top layer
        // x₁₂₇·(1 − f(x₁₂₇)) ends at the mode within the published constants' precision.
        let f = { (t: Double) in exp(-0.5 * t * t) }
        for i in 1..<(NormalZiggurat.layers - 1) {
            XCTAssertEqual(x[i] * (f(x[i + 1]) - f(x[i])), NormalZiggurat.layerArea, accuracy: 1e-12)
        }
        XCTAssertEqual(x[127] * (1 - f(x[127])), NormalZiggurat.layerArea, accuracy: 1e-6)
    }

    func testDrawsFollowTheStandardNormal() {
        let n = 1_000_000
        var rng = SplitMix64(seed: 20261129)
        var z = (0..<n).map { _ in NormalZiggurat.normal(rng.next()) }
        z.sort()
        // Kolmogorov–Smirnov: D < 1.95/√n is the 0.1 % critical value.
        var d = 0.0
        for (k, value) in z.enumerated() {
            let cdf = StandardNormal.cdf(value)
            d = max(d, abs(cdf - Double(k) / Double(n)), abs(cdf - Double(k + 1) / Double(n)))
        }
        XCTAssertLessThan(d, 1.95 / Double(n).squareRoot())
        // The tail beyond r (base layer) and the far tail, within 4 standard errors.
        for threshold in [NormalZiggurat.tailStart, 4.0, 1.0] {
            let p = 2 * StandardNormal.cdf(-threshold)
            let observed = Double(z.filter { abs($0) > threshold }.count) / Double(n)
            XCTAssertEqual(observed, p, accuracy: 4 * (p * (1 - p) / Double(n)).squareRoot(), "|z| > \(threshold)")
        }
        // Symmetric: as many below −1 as above 1.
        let below = z.filter { $0 < -1 }.count, above = z.filter { $0 > 1 }.count
        XCTAssertEqual(Double(below - above), 0, accuracy: 4 * Double(below + above).squareRoot())
    }
}
