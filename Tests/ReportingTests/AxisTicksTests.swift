import XCTest
import Fitting
@testable import Reporting

/// The fan chart's axes and text measures: 1-2-5 value ticks with thousands separators and
/// percent labels for shares, year ticks, and the text widths the label placer works with.
final class AxisTicksTests: XCTestCase {
    func testNiceStepIsTheSmallestOneTwoFiveStepAtLeastTheValue() {
        let cases: [(Double, Double)] = [(0.07, 0.1), (14.3, 20), (5, 5), (5.0001, 10), (1e-3, 0.001), (1, 1), (1.2, 2),
                                         (2.5, 5), (463.9, 500), (160_000, 200_000), (0.3, 0.5)]
        for (x, expected) in cases {
            XCTAssertEqual(NiceStep.atLeast(x).value, expected, accuracy: expected * 1e-12, "\(x)")
        }
    }

    func testCountAxesTickInOneTwoFiveStepsWithThousandsSeparators() {
        let cases: [(highest: Double, labels: [String])] = [
            // The odd ticks (811.9, 1624, 2436, 3247) came from a top of 3247.
            (3247, ["0", "500", "1,000", "1,500", "2,000", "2,500", "3,000", "3,500"]),
            (585.4, ["0", "100", "200", "300", "400", "500", "600"]),
            (1_119_957, ["0", "200,000", "400,000", "600,000", "800,000", "1,000,000", "1,200,000"]),
            (12_150, ["0", "2,000", "4,000", "6,000", "8,000", "10,000", "12,000", "14,000"]),
            (369, ["0", "100", "200", "300", "400"]),
            (600, ["0", "100", "200", "300", "400", "500", "600"]),
            (3.2, ["0", "1", "2", "3", "4"]),
            (0, ["0", "1"]),
        ]
        for (highest, labels) in cases {
            let axis = ValueAxis(highest: highest, number: .count, minimumStep: 1)
            XCTAssertEqual(axis.labels, labels, "\(highest)")
            XCTAssertGreaterThanOrEqual(axis.top, highest)
        }
        XCTAssertEqual(ValueAxis(highest: 0.37, number: .count).labels, ["0", "0.1", "0.2", "0.3", "0.4"])
    }

    func testShareAxesArePercentAxesWhateverTheShareIsKeptIn() {
        let percent = ValueAxis(highest: 92.5, number: ChartNumber(.share(.percent)))
        XCTAssertEqual(percent.labels, ["0 %", "20 %", "40 %", "60 %", "80 %", "100 %"])
        XCTAssertEqual(percent.top, 100)
        let fraction = ValueAxis(highest: 0.83, number: ChartNumber(.share(.fraction)))
        XCTAssertEqual(fraction.labels, ["0 %", "20 %", "40 %", "60 %", "80 %", "100 %"])
        XCTAssertEqual(fraction.top, 1, accuracy: 1e-12)
        XCTAssertEqual(fraction.ticks[2], 0.4, accuracy: 1e-12)
        XCTAssertEqual(ValueAxis(highest: 4.2, number: .percent(perUnit: 1)).labels, ["0 %", "1 %", "2 %", "3 %", "4 %", "5 %"])
        XCTAssertEqual(ValueAxis(highest: 0.034, number: .percent(perUnit: 100)).labels,
                       ["0 %", "0.5 %", "1.0 %", "1.5 %", "2.0 %", "2.5 %", "3.0 %", "3.5 %"])
        // Up to the bound, a share's top never passes 100 %.
        for highest in Swift.stride(from: 0.5, through: 100, by: 0.5) {
            XCTAssertLessThanOrEqual(ValueAxis(highest: highest, number: .percent(perUnit: 1)).top, 100, "\(highest)")
        }
    }

    /// Over many magnitudes: the step is 1, 2 or 5 × 10^k, there are at most 7 intervals, the
    /// top covers the highest value, and the next smaller nice step would need more than 7.
    func testEveryAxisIsTheTightestOneTwoFiveAxis() {
        var highest = 0.0123
        while highest < 1e9 {
            let axis = ValueAxis(highest: highest, number: .count)
            XCTAssertTrue([1, 2, 5].contains(axis.step.mantissa))
            XCTAssertLessThanOrEqual(axis.intervals, 7, "\(highest)")
            XCTAssertGreaterThanOrEqual(axis.top, highest, "\(highest)")
            let smaller = axis.step.mantissa == 1 ? NiceStep(mantissa: 5, exponent: axis.step.exponent - 1)
                : NiceStep(mantissa: axis.step.mantissa == 5 ? 2 : 1, exponent: axis.step.exponent)
            XCTAssertGreaterThan((highest / smaller.value).rounded(.up), 7, "\(highest)")
            highest *= 1.37
        }
    }

    func testNumbersAreGroupedAndRoundedOnce() {
        XCTAssertEqual(ChartNumber.grouped(1_234_567, decimals: 0), "1,234,567")
        XCTAssertEqual(ChartNumber.grouped(999.5, decimals: 0), "1,000")
        XCTAssertEqual(ChartNumber.grouped(0.25, decimals: 2), "0.25")
        XCTAssertEqual(ChartNumber.grouped(12.5, decimals: 1), "12.5")
        XCTAssertEqual(ChartNumber.grouped(100, decimals: 0), "100")
        XCTAssertEqual(ChartNumber.count.text(11_252), "11,252")
        XCTAssertEqual(ChartNumber(.share(.fraction)).text(0.875), "87.5 %")
        XCTAssertEqual(ChartNumber(.share(.percent)).text(80), "80 %")
    }

    func testYearTicksAreOnFirstJanuaryInOneTwoFiveYearSteps() {
        XCTAssertEqual(YearTicks.years(from: 2022.3, to: 2027.1, maxTicks: 12), [2023, 2024, 2025, 2026, 2027])
        XCTAssertEqual(YearTicks.years(from: 1996.5, to: 2031.2, maxTicks: 12), [2000, 2005, 2010, 2015, 2020, 2025, 2030])
        XCTAssertEqual(YearTicks.years(from: 2001.5, to: 2019.2, maxTicks: 12), [2002, 2004, 2006, 2008, 2010, 2012, 2014, 2016, 2018])
        XCTAssertEqual(YearTicks.years(from: 2023.2, to: 2023.9, maxTicks: 12), [])
    }

    func testTextWidthsAreDejaVuSansAdvances() {
        let font = ChartFont(size: 12)
        XCTAssertEqual(font.width(of: "2023"), 4 * 0.636 * 12, accuracy: 1e-9)
        XCTAssertEqual(ChartFont(size: 10, bold: true).width(of: "W"), 11.03, accuracy: 1e-9)
        // Vietnamese letters are as wide as their base letters.
        XCTAssertEqual(font.width(of: "Bà Rịa–Vũng Tàu"), font.width(of: "Ba Ria–Vung Tau"), accuracy: 1e-9)
        XCTAssertEqual(font.width(of: "Đà"), font.width(of: "Da"), accuracy: 1e-9)
        let label = "80 % of tuition and fees paid non-cash in the 2022–2023 school year"
        let short = font.shortened(label, toWidth: 150)
        XCTAssertTrue(short.hasSuffix("…"))
        XCTAssertLessThanOrEqual(font.width(of: short), 150)
        XCTAssertGreaterThan(font.width(of: short), 130)
        XCTAssertEqual(font.shortened("fits", toWidth: 100), "fits")
    }
}
