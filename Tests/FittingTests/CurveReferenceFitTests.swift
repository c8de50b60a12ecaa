import Foundation
import XCTest
import LinearAlgebra
@testable import Fitting

/// Published and independently computed fits, reproduced with the curve families and the
/// Levenberg–Marquardt solver (additive least squares).
///
/// Accuracy is LRE = −log₁₀(|estimate − reference| / |reference|), the number of matching
/// significant digits (capped at 15).
final class CurveReferenceFitTests: XCTestCase {
    static let dataDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Data")

    static func lre(_ estimate: Double, _ reference: Double) -> Double {
        let relative = abs(estimate - reference) / abs(reference)
        return relative == 0 ? 15 : min(15, -log10(relative))
    }

    // MARK: - NIST StRD

    struct NISTProblem {
        var start1: [Double]
        var start2: [Double]
        var certified: [Double]
        var certifiedRSS: Double
        var x: [Double]
        var y: [Double]
    }

    /// Reads a NIST StRD `.dat` file: the "bK = start1 start2 certified sd" rows, the
    /// certified residual sum of squares, and the data block after the second "Data:" line.
    static func readNIST(_ url: URL) throws -> NISTProblem {
        let text = try String(contentsOf: url, encoding: .utf8)
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        var rows: [[Double]] = []
        var rss = Double.nan
        var dataStart: Int?
        var dataHeaders = 0
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.range(of: #"^b\d+\s*="#, options: .regularExpression) != nil {
                let numbers = trimmed.split(separator: "=")[1].split(separator: " ").compactMap { Double($0) }
                rows.append(numbers)
            } else if trimmed.hasPrefix("Residual Sum of Squares:") {
                rss = Double(trimmed.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? .nan
            } else if trimmed.hasPrefix("Data:") {
                dataHeaders += 1
                if dataHeaders == 2 { dataStart = index + 1 }
            }
        }
        var x: [Double] = [], y: [Double] = []
        for line in lines[(dataStart ?? lines.count)...] {
            let numbers = line.split(separator: " ").compactMap { Double($0) }
            if numbers.count == 2 { y.append(numbers[0]); x.append(numbers[1]) }
        }
        return NISTProblem(start1: rows.map { $0[0] }, start2: rows.map { $0[1] }, certified: rows.map { $0[2] },
                           certifiedRSS: rss, x: x, y: y)
    }

    /// Rat43 is not among the NIST files bundled in Tests/Data/nist (see its README); its
    /// data and certified values are copied here from NIST's Rat43.dat
    /// (https://www.itl.nist.gov/div898/strd/nls/data/ratkowsky3.shtml, public domain).
    static let rat43 = NISTProblem(
        start1: [100, 10, 1, 1],
        start2: [700, 5, 0.75, 1.3],
        certified: [6.9964151270E+02, 5.2771253025E+00, 7.5962938329E-01, 1.2792483859E+00],
        certifiedRSS: 8.7864049080E+03,
        x: (1...15).map(Double.init),
        y: [16.08, 33.83, 65.80, 97.20, 191.55, 326.20, 386.87, 520.53, 590.03, 651.92,
            724.93, 699.56, 689.96, 637.56, 717.41])

    /// NIST b's → (K, r, t0[, ν]): K = b1, r = b3, t0 = b2/b3, ν = b4.
    static func sigmoidParameters(_ b: [Double]) -> [Double] {
        [b[0], b[2], b[1] / b[2]] + b.dropFirst(3)
    }

    /// Fits a NIST Rat problem with the curve and returns the LREs of
    /// (K = b1, b2 = r·t0, r = b3[, ν = b4]) and of the RSS.
    func fitNIST(_ problem: NISTProblem, family: CurveFamily, start: [Double], label: String) throws -> (fit: LeastSquaresFit, lre: [Double], rssLRE: Double) {
        let curve = AdoptionCurve(family)
        let observations = zip(problem.x, problem.y).map { CurveObservation(time: $0, value: $1) }
        let fit = try LevenbergMarquardt().minimize(
            CurveLeastSquares(curve: curve, observations: observations, kind: .level),
            from: Self.sigmoidParameters(start))
        let θ = fit.parameters
        var b = [θ[0], θ[1] * θ[2], θ[1]]
        if family == .richards { b.append(θ[3]) }
        let lre = zip(b, problem.certified).map { Self.lre($0, $1) }
        let rssLRE = Self.lre(fit.rss, problem.certifiedRSS)
        let named = zip(curve.parameterNames, θ).map { "\($0) = \($1)" }.joined(separator: ", ")
        print("""
            \(label) via \(family): \(fit.termination) after \(fit.evaluations) evaluations; \(named); \
            rss = \(fit.rss); LRE b1…b\(b.count) = \(lre.map { String(format: "%.1f", $0) }), rss \(String(format: "%.1f", rssLRE))
            """)
        return (fit, lre, rssLRE)
    }

    func testRat42ThroughTheLogistic() throws {
        let problem = try Self.readNIST(Self.dataDirectory.appendingPathComponent("nist/Rat42.dat"))
        XCTAssertEqual(problem.x.count, 9)
        XCTAssertEqual(problem.certified, [7.2462237576E+01, 2.6180768402E+00, 6.7359200066E-02])
        XCTAssertEqual(problem.certifiedRSS, 8.0565229338E+00)
        for (name, start) in [("Rat42 start 1", problem.start1), ("Rat42 start 2", problem.start2)] {
            let result = try fitNIST(problem, family: .logistic, start: start, label: name)
            XCTAssertTrue(result.fit.converged, "\(name): \(result.fit.termination)")
            for (j, lre) in result.lre.enumerated() {
                XCTAssertGreaterThanOrEqual(lre, 6, "\(name) b\(j + 1)")
            }
            XCTAssertGreaterThanOrEqual(result.rssLRE, 6, "\(name) RSS")
        }
    }

    func testRat43ThroughRichards() throws {
        let problem = Self.rat43
        // Start 2 (near) must certify.
        let near = try fitNIST(problem, family: .richards, start: problem.start2, label: "Rat43 start 2")
        XCTAssertTrue(near.fit.converged, "\(near.fit.termination)")
        for (j, lre) in near.lre.enumerated() {
            XCTAssertGreaterThanOrEqual(lre, 6, "Rat43 start 2 b\(j + 1)")
        }
        XCTAssertGreaterThanOrEqual(near.rssLRE, 6)
        // Start 1 (far: K = 100, t0 = 10) also certifies in the (K, r, t0, ν) parameterisation.
        let far = try fitNIST(problem, family: .richards, start: problem.start1, label: "Rat43 start 1")
        XCTAssertTrue(far.fit.converged, "\(far.fit.termination)")
        for (j, lre) in far.lre.enumerated() {
            XCTAssertGreaterThanOrEqual(lre, 6, "Rat43 start 1 b\(j + 1)")
        }
        XCTAssertGreaterThanOrEqual(far.rssLRE, 6)
    }

    // MARK: - Adoption series

    static func readCSV(_ name: String) throws -> (period: [Double], value: [Double]) {
        let table = try DataTable(contentsOfFile: dataDirectory.appendingPathComponent("adoption/\(name)").path)
        XCTAssertEqual(table.columnNames, ["period", "value"], name)
        return (try XCTUnwrap(table.column("period")), try XCTUnwrap(table.column("value")))
    }

    static func scipyReference() throws -> [String: [String: Any]] {
        let data = try Data(contentsOf: dataDirectory.appendingPathComponent("adoption/scipy_reference.json"))
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try XCTUnwrap(json["fits"] as? [String: [String: Any]])
    }

    /// Colour TV sales 1963–1970 (flows); launch at the start of 1963, the sales of year Y
    /// are m[F(Y + 1 − L) − F(Y − L)]. Published: p = 0.01847, q = 0.61586, m = 39,658.6.
    func testBassColourTelevision() throws {
        let (years, sales) = try Self.readCSV("bass_color_tv_1963_1970.csv")
        XCTAssertEqual(years.count, 8)
        let observations = zip(years, sales).map { CurveObservation(time: $0 + 1, value: $1, periodStart: $0) }
        let curve = AdoptionCurve(.bass, launch: 1963.0)
        let start = [2 * sales.reduce(0, +), 0.01, 0.5]
        let fit = try LevenbergMarquardt().minimize(
            CurveLeastSquares(curve: curve, observations: observations, kind: .flow), from: start)
        let θ = fit.parameters
        let published = [39_658.6, 0.01847, 0.61586]
        let lre = zip(θ, published).map { Self.lre($0, $1) }
        let reference = try XCTUnwrap(Self.scipyReference()["bass_color_tv"])
        let scipy = try XCTUnwrap(reference["parameters"] as? [Double])
        let scipyRSS = try XCTUnwrap(reference["rss"] as? Double)
        let scipyLRE = zip(θ, scipy).map { Self.lre($0, $1) } + [Self.lre(fit.rss, scipyRSS)]
        print("""
            Bass colour TV: \(fit.termination) after \(fit.evaluations) evaluations; market = \(θ[0]), \
            innovation = \(θ[1]), imitation = \(θ[2]), rss = \(fit.rss), SE = \(fit.standardErrors); \
            LRE vs published (m, p, q) = \(lre.map { String(format: "%.1f", $0) }); \
            vs scipy (m, p, q, rss) = \(scipyLRE.map { String(format: "%.1f", $0) })
            """)
        XCTAssertTrue(fit.converged, "\(fit.termination)")
        for (j, digits) in lre.enumerated() {
            XCTAssertGreaterThanOrEqual(digits, 3, "\(curve.parameterNames[j]): \(θ[j]) vs published \(published[j])")
        }
        for (j, digits) in scipyLRE.enumerated() {
            XCTAssertGreaterThanOrEqual(digits, 5, "component \(j) vs scipy")
        }
    }

    /// Gompertz fits of the Dutch car stock (Franses 1994) and of chicken weights
    /// (Jukić et al. 2004), against scipy's MINPACK lmder from the same start
    /// (Tests/Data/adoption/scipy_reference.py).
    func testGompertzAgreesWithScipy() throws {
        let references = try Self.scipyReference()
        for (key, file) in [("gompertz_carstock_nl_raw", "diffusion_carstock_nl_raw_1965_1989.csv"),
                            ("gompertz_chicken_weight", "diffusion_chicken_weight_kg_weeks1_13.csv")] {
            let reference = try XCTUnwrap(references[key], key)
            XCTAssertEqual(reference["data"] as? String, file)
            let start = try XCTUnwrap(reference["start"] as? [Double])
            let expected = try XCTUnwrap(reference["parameters"] as? [Double])
            let expectedSE = try XCTUnwrap(reference["standard_errors"] as? [Double])
            let expectedRSS = try XCTUnwrap(reference["rss"] as? Double)

            let (t, y) = try Self.readCSV(file)
            let observations = zip(t, y).map { CurveObservation(time: $0, value: $1) }
            let curve = AdoptionCurve(.gompertz)
            let fit = try LevenbergMarquardt().minimize(
                CurveLeastSquares(curve: curve, observations: observations, kind: .level), from: start)
            let lre = zip(fit.parameters, expected).map { Self.lre($0, $1) }
            let rssLRE = Self.lre(fit.rss, expectedRSS)
            let seLRE = zip(fit.standardErrors, expectedSE).map { Self.lre($0, $1) }
            let named = zip(curve.parameterNames, fit.parameters).map { "\($0) = \($1)" }.joined(separator: ", ")
            print("""
                Gompertz \(key): \(fit.termination) after \(fit.evaluations) evaluations; \(named); rss = \(fit.rss); \
                SE = \(fit.standardErrors); LRE vs scipy: parameters \(lre.map { String(format: "%.1f", $0) }), \
                rss \(String(format: "%.1f", rssLRE)), SE \(seLRE.map { String(format: "%.1f", $0) })
                """)
            XCTAssertTrue(fit.converged, "\(key): \(fit.termination)")
            for (j, digits) in lre.enumerated() {
                XCTAssertGreaterThanOrEqual(digits, 5, "\(key) \(curve.parameterNames[j]): \(fit.parameters[j]) vs \(expected[j])")
            }
            XCTAssertGreaterThanOrEqual(rssLRE, 5, "\(key) RSS")
            for (j, digits) in seLRE.enumerated() {
                XCTAssertGreaterThanOrEqual(digits, 4, "\(key) SE of \(curve.parameterNames[j])")
            }
        }
    }
}
