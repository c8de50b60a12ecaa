import Forecasting
import Scenarios
import XCTest

/// `seek:` (issue 12): read with its defaults, every mistake one error at its node; a
/// variant's lever may be a plain number (the same value on every path).
final class SeekSectionTests: XCTestCase {
    private let withTargets = minimalScenario + """
    targets:
      - {value: 400, by: 2025-12-31, label: four hundred}
      - {value: 500, by: 2026-06-30}

    """

    func testSeekIsReadWithItsDefaults() throws {
        let none = try ScenarioLoader.load(contents: withTargets, path: "test.yaml")
        XCTAssertNil(none.seek)
        let empty = try ScenarioLoader.load(contents: withTargets + "seek: {}\n", path: "test.yaml")
        XCTAssertEqual(empty.seek, SeekSettings(probability: 0.8, lever: .growthMultiplier, target: nil))
        let full = try ScenarioLoader.load(contents: withTargets + "seek: {probability: 0.6, lever: level_shift, target: 2}\n",
                                           path: "test.yaml")
        XCTAssertEqual(full.seek, SeekSettings(probability: 0.6, lever: .levelShift, target: "2"))
        XCTAssertEqual(try full.seekTargets(full.seek?.target), [1])
        XCTAssertEqual(try full.seekTargets("four hundred"), [0])
        XCTAssertEqual(try full.seekTargets(nil), [0, 1])
    }

    func testBadSeekSectionsPointAtTheField() {
        assertError(withTargets + "seek: {probability: 1.2}\n",
                    "seek.probability must be between 0 and 1 (exclusive), e.g. 0.8, got 1.2", at: "1.2")
        assertError(withTargets + "seek: {probability: -0.5}\n",
                    "seek.probability must be between 0 and 1 (exclusive), e.g. 0.8, got -0.5", at: "-0.5")
        assertError(withTargets + "seek: {lever: growth}\n",
                    "seek.lever must be growth_multiplier, level_shift, ceiling_multiplier or start, got 'growth'", at: "growth}")
        assertError(withTargets + "seek: {lever: levelshift}\n",
                    "seek.lever must be growth_multiplier, level_shift, ceiling_multiplier or start, got 'levelshift'; did you mean 'level_shift'?",
                    at: "levelshift")
        assertError(withTargets + "seek: {target: 3}\n",
                    "seek.target '3' is neither a target's label nor its number; the targets are 1 'four hundred', 2 '500 by 2026-06-30'",
                    at: "3}")
        assertError(withTargets + "seek: {lever: start}\n",
                    "seek.lever start moves the first variant's `from` date, and the scenario has no variants; add one (e.g. {id: campaign, growth_multiplier: {uniform: [1.1, 1.4]}}) or seek another lever",
                    at: "start")
        assertError(minimalScenario + "seek: {probability: 0.9}\n",
                    "seek needs a target to seek, and the scenario has none; add targets or remove seek", at: "{probability")
        assertError(withTargets + "seek: {lever: start, colour: red}\n", "unknown key 'colour' in seek; valid keys: probability, lever, target",
                    at: "colour")
        // A seek key outside seek: named with its section.
        assertError(withTargets + "lever: start\n", "'lever' belongs under seek, not at the top level: indent it below 'seek:'", at: "lever")
    }

    func testStartWithAVariantLoads() throws {
        let yaml = withTargets + "variants:\n  - {id: push, growth_multiplier: 1.25, level_shift: 10}\nseek: {lever: start}\n"
        let scenario = try ScenarioLoader.load(contents: yaml, path: "test.yaml")
        XCTAssertEqual(scenario.seek?.lever, .start)
        // A plain number is a fixed lever: uniform(v, v).
        XCTAssertEqual(scenario.variants.first?.growthMultiplier, .uniform(lower: 1.25, upper: 1.25))
        XCTAssertEqual(scenario.variants.first?.levelShift, .uniform(lower: 10, upper: 10))
        assertError(withTargets + "variants:\n  - {id: push, growth_multiplier: -2}\n",
                    "variants[1].growth_multiplier must be a positive multiplier (e.g. 1.2 or {uniform: [1.1, 1.4]})", at: "-2}")
    }

    func testTargetsThatAreNotTheScenariosAreBadInput() throws {
        let scenario = try ScenarioLoader.load(contents: withTargets, path: "test.yaml")
        XCTAssertThrowsError(try scenario.seekTargets("nine hundred")) { error in
            XCTAssertEqual("\(error)", "test.yaml: target 'nine hundred' is neither a target's label nor its number; "
                + "the targets are 1 'four hundred', 2 '500 by 2026-06-30'")
        }
        XCTAssertThrowsError(try scenario.leverSeek(SeekSettings(lever: .start))) { error in
            XCTAssertTrue(error is ScenarioError)
        }
        XCTAssertThrowsError(try scenario.leverSeek(SeekSettings(probability: 1))) { error in
            XCTAssertTrue(error is ScenarioError)
        }
    }
}
