import XCTest
@testable import Fitting

final class AdoptionFitterSmokeTests: XCTestCase {
    func testInternetSeriesAllFamilies() throws {
        let text = try String(contentsOfFile: "Scenarios/data/vietnam_internet_users_pct_1996_2023.csv", encoding: .utf8)
        var obs: [CurveObservation] = []
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",")
            obs.append(CurveObservation(time: Double(f[0])! + 1, value: Double(f[1])!))
        }
        let series = AdoptionSeries(observations: obs, errorModels: obs.map { _ in .logit(bound: 100, denominator: nil) }, shareBound: 100)
        let result = AdoptionFitter().fitAll(CurveFamily.allCases.filter { $0 != .bass }, to: series)
        for (fit, w) in zip(result.fits, result.weights) {
            print(fit.family, fit.estimates, fit.intervals, fit.aicc ?? .nan, w, fit.diagnostics, fit.termination)
        }
        print(result.failures)
        // sparse
        let one = AdoptionSeries(observations: [CurveObservation(time: CalendarDate(iso: "2022-07-25")!.decimalYear, value: 168)],
                                 errorModels: [.logit(bound: 542, denominator: 542)], launch: CalendarDate(iso: "2022-03-31")!.decimalYear,
                                 ceiling: .range(min: 300, max: 542))
        let r2 = AdoptionFitter().fitAll([.logistic, .gompertz], to: one)
        for (fit, w) in zip(r2.fits, r2.weights) {
            print(fit.family, fit.estimates, fit.intervals, fit.logEvidence ?? .nan, w, fit.diagnostics, fit.termination)
        }
        print(r2.failures)
    }
}
