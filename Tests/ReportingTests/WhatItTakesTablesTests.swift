import Foundation
import TextIO
import XCTest
import Fitting
import Forecasting
@testable import Reporting

/// seek.csv, families.csv, sensitivity.csv and tornado.svg (issue 12): the exact columns,
/// every outcome in words, numbers at ≤ 10 significant digits, missing values empty.
final class WhatItTakesTablesTests: XCTestCase {
    let target = ForecastTarget(label: "800 points, by 2025", value: 800, deadline: CalendarDate(iso: "2025-12-31")!)

    func seek(_ status: LeverSeekResult.Status, lever: SeekLever = .growthMultiplier, value: LeverValue?,
              se: Double? = nil, far: LeverValue = .number(10)) -> LeverSeekResult {
        LeverSeekResult(target: target, lever: lever, probability: 0.8, status: status, value: value, valueStandardError: se,
                        pMeetAtValue: 0.8012, pMeetStandardError: 0.00399, baselinePMeet: 0.41933333333333,
                        baselinePMeetStandardError: 0.0049, dateAtProbability: CalendarDate(iso: "2027-03-04"),
                        range: (lever == .start ? .date(target.deadline) : .number(lever == .levelShift ? 0 : 1), far),
                        evaluations: 20)
    }

    func testSeekRowsInEveryOutcome() {
        XCTAssertEqual(SeekTable.header.joined(separator: ","),
                       "scenario,target_label,lever,probability,value,value_se,p_meet_at_value,p_meet_se,baseline_p_meet,date_at_probability,note")
        let rows = [seek(.found, value: .number(1.3728), se: 0.012345678912345),
                    seek(.metAtBaseline, value: .number(1)),
                    seek(.unreachable, value: nil),
                    seek(.missed, value: nil),
                    seek(.found, lever: .start, value: .date(CalendarDate(iso: "2023-04-05")!), se: 41.5,
                         far: .date(CalendarDate(iso: "2021-01-01")!)),
                    seek(.unreachable, lever: .start, value: nil, far: .date(CalendarDate(iso: "2021-01-01")!)),
                    seek(.unreachable, lever: .levelShift, value: nil, far: .number(1600))]
        let csv = SeekTable.table(scenario: "phu-my", rows).text.split(separator: "\n").map(String.init)
        XCTAssertEqual(csv[1], "phu-my,\"800 points, by 2025\",growth_multiplier,0.8,1.3728,0.01234567891,0.8012,0.00399,0.4193333333,2027-03-04,")
        XCTAssertEqual(csv[2], "phu-my,\"800 points, by 2025\",growth_multiplier,0.8,1.0,,0.8012,0.00399,0.4193333333,2027-03-04,already met at baseline: P(met) 0.419 ≥ 0.8")
        XCTAssertEqual(csv[3], "phu-my,\"800 points, by 2025\",growth_multiplier,0.8,,,0.8012,0.00399,0.4193333333,2027-03-04,not reachable within growth ×1…×10: P(met) 0.801 at the far end")
        XCTAssertTrue(csv[4].hasSuffix(",the deadline has passed in the data without the target being met"), csv[4])
        XCTAssertTrue(csv[5].hasPrefix("phu-my,\"800 points, by 2025\",start,0.8,2023-04-05,41.5,"), csv[5])
        XCTAssertTrue(csv[6].hasSuffix(",\"not reachable: started as early as 2021-01-01, the first variant gives P(met) 0.801\""), csv[6])
        XCTAssertTrue(csv[7].hasSuffix(",not reachable within a level shift of 0…1600: P(met) 0.801 at the far end"), csv[7])
        let json = JSONValue.array(SeekTable.json(scenario: "phu-my", rows)).rendered()
        let parsed = try! JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[String: Any]]
        XCTAssertTrue(parsed[2]["value"] is NSNull)
        XCTAssertEqual(parsed[0]["value"] as? Double, 1.3728)
        XCTAssertEqual(parsed[4]["value"] as? String, "2023-04-05")
        let text = SeekTable.text(rows)
        XCTAssertTrue(text.contains("  1.3728 ± 0.012  "), text)
        XCTAssertTrue(text.contains("  2023-04-05 ± 42 days  "), text)
        XCTAssertTrue(text.contains("  1  "), text)   // met at baseline: ×1
    }

    func testFamilyAndSensitivityTables() {
        let comparison = FamilyComparison(rows: [
            .init(target: target, family: .logistic, weight: 0.5677806651234, pMeet: 0.4, pMeetStandardError: 0.0049),
            .init(target: target, family: .gompertz, weight: 0.4322193349, pMeet: 0.43, pMeetStandardError: 0.00495)])
        XCTAssertEqual(FamilyTable.table(scenario: "s", comparison).text, """
            scenario,target_label,family,weight,p_meet,p_meet_se
            s,"800 points, by 2025",logistic,0.5677806651,0.4,0.0049
            s,"800 points, by 2025",gompertz,0.4322193349,0.43,0.00495

            """)
        let analysis = SensitivityAnalysis(rows: [
            .init(target: target, input: .baseline, setting: .base, value: nil, pMeet: 0.42, pMeetStandardError: 0.005),
            .init(target: target, input: .ceiling, setting: .low, value: 517.91639434, pMeet: 0, pMeetStandardError: 0),
            .init(target: target, input: .ceiling, setting: .high, value: 1930.8, pMeet: 0.83, pMeetStandardError: 0.004),
            .init(target: target, input: .timing, setting: .low, value: -1, pMeet: 0.3, pMeetStandardError: 0.005),
            .init(target: target, input: .timing, setting: .high, value: 1, pMeet: nil, pMeetStandardError: nil),
            .init(target: target, input: .variant(id: "campaign", lever: .growthMultiplier), setting: .high, value: 1.4,
                  pMeet: 0.5, pMeetStandardError: 0.005),
            .init(target: target, input: .family, setting: .family(.gompertz), value: nil, pMeet: 0.43, pMeetStandardError: 0.005)])
        let csv = SensitivityTable.table(scenario: "s", analysis).text.split(separator: "\n").map(String.init)
        XCTAssertEqual(csv[0], "scenario,target_label,input,setting,value,p_meet,p_meet_se")
        XCTAssertEqual(csv[1], "s,\"800 points, by 2025\",baseline,base,,0.42,0.005")
        XCTAssertEqual(csv[2], "s,\"800 points, by 2025\",ceiling,low,517.9163943,0.0,0.0")
        XCTAssertEqual(csv[5], "s,\"800 points, by 2025\",timing,high,1.0,,")
        XCTAssertEqual(csv[6], "s,\"800 points, by 2025\",variant:campaign:growth_multiplier,high,1.4,0.5,0.005")
        XCTAssertEqual(csv[7], "s,\"800 points, by 2025\",family,gompertz,,0.43,0.005")

        // The tornado: largest swing first, each bar labelled, the same bytes every time.
        XCTAssertEqual(analysis.bars(target: target).map(\.input), [.ceiling, .timing, .variant(id: "campaign", lever: .growthMultiplier), .family])
        let svg = TornadoChart.svg(scenario: "s", title: "Phu My", analysis).text
        XCTAssertEqual(svg, TornadoChart.svg(scenario: "s", title: "Phu My", analysis).text)
        XCTAssertTrue(svg.contains("ceiling (517.9 → 1931)"), svg)
        XCTAssertTrue(svg.contains("campaign: growth multiplier (— → ×1.4)"), svg)
        XCTAssertTrue(svg.contains("800 points, by 2025: baseline P(met) 0.420"), svg)
        let ceilingRow = svg.range(of: "ceiling (")!.lowerBound, familyRow = svg.range(of: "family (")!.lowerBound
        XCTAssertLessThan(ceilingRow, familyRow)
    }
}
