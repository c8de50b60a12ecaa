import Scenarios
import XCTest

/// Every invalid input named in DESIGN.md gives one error at the offending node, saying what
/// would be valid.
final class ScenarioValidationTests: XCTestCase {
    private func replacing(_ old: String, with new: String, in yaml: String = minimalScenario) -> String {
        precondition(yaml.contains(old), old)
        return yaml.replacingOccurrences(of: old, with: new)
    }

    // MARK: syntax and keys

    func testMalformedYAMLAtYamsPosition() {
        let yaml = "id: test\nmetric:\n  name: traders\n kind: count\nforecast: {horizon: 2026-12-31}\n"
        guard let error = loadError(yaml) else { return }
        XCTAssertTrue(error.message.hasPrefix("not valid YAML: "), error.message)
        XCTAssertEqual(error.line, 4)
        XCTAssertNotNil(error.column)
        XCTAssertEqual(error.file, "test.yaml")
    }

    func testUnclosedFlowListIsMalformed() {
        let yaml = replacing("  - {date: 2023-07-25, value: 250}", with: "  - {date: 2023-07-25, value: 250")
        guard let error = loadError(yaml) else { return }
        XCTAssertTrue(error.message.hasPrefix("not valid YAML: "), error.message)
        XCTAssertEqual(error.line, 8)
    }

    func testDuplicateKey() {
        let yaml = minimalScenario + "id: again\n"
        guard let error = loadError(yaml) else { return }
        XCTAssertEqual(error.message, "duplicate key 'id': each key may appear once in a mapping")
        XCTAssertEqual(error.line, 1)
    }

    func testUnknownTopLevelKeySuggestsNearest() {
        let yaml = replacing("observations:", with: "obsrvations:")
        assertError(yaml, "unknown key 'obsrvations'; did you mean 'observations'?", at: "obsrvations")
    }

    func testUnknownNestedKeySuggestsNearest() {
        let yaml = replacing("  name: traders", with: "  nme: traders")
        assertError(yaml, "unknown key 'nme' in metric; did you mean 'name'?", at: "nme")
    }

    func testUnknownKeyWithNothingNearListsValidKeys() {
        let yaml = replacing("  horizon: 2026-12-31", with: "  horizon: 2026-12-31\n  colour: blue")
        assertError(yaml, "unknown key 'colour' in forecast; valid keys: horizon, step, paths, seed", at: "colour")
    }

    /// A key written at the wrong level (mis-indented) is named with the section it belongs to.
    func testMisplacedKeyNamesItsSection() {
        let outdented = replacing("  kind: count", with: "kind: count")
        assertError(outdented, "'kind' belongs under metric, not at the top level: indent it below 'metric:'", at: "kind")
        let indented = replacing("  horizon: 2026-12-31", with: "  horizon: 2026-12-31\n  targets: []")
        assertError(indented, "'targets' is a top-level key, not part of forecast: move it to the start of its line", at: "targets")
        let nested = replacing("  kind: count", with: "  kind: count\n  ceiling: {max: 600, min: 500, unit: x}")
        assertError(nested, "'unit' belongs under metric, not in metric.ceiling: check its indentation", at: "unit")
    }

    func testEmptyFile() {
        guard let error = loadError("# nothing here\n") else { return }
        XCTAssertEqual(error.line, 1)
        XCTAssertTrue(error.message.hasPrefix("the file is empty"), error.message)
    }

    // MARK: types

    func testWrongTypeForPaths() {
        let yaml = replacing("  horizon: 2026-12-31", with: "  horizon: 2026-12-31\n  paths: many")
        assertError(yaml, "forecast.paths must be a whole number, got 'many'", at: "many")
    }

    func testFractionalPaths() {
        let yaml = replacing("  horizon: 2026-12-31", with: "  horizon: 2026-12-31\n  paths: 2.5")
        assertError(yaml, "forecast.paths must be a whole number, got '2.5'", at: "2.5")
    }

    func testQuotedNumberIsText() {
        let yaml = replacing("value: 168}", with: "value: \"168\"}")
        assertError(yaml, "observations[1].value must be a number, got '168' (remove the quotes)", at: "\"168\"")
    }

    func testBadDate() {
        let yaml = replacing("2023-07-25", with: "2023-13-25")
        assertError(yaml, "observations[2].date must be a date YYYY-MM-DD, e.g. 2025-12-31, got '2023-13-25': the month is 13; months are 01–12", at: "2023-13-25")
    }

    func testMetricMustBeAMapping() {
        let yaml = "id: test\nmetric: traders\nforecast: {horizon: 2026-12-31}\n"
        assertError(yaml, "metric must be a mapping of keys to values, got 'traders'", at: "traders")
    }

    func testUnknownKindSuggests() {
        let yaml = replacing("kind: count", with: "kind: cout")
        assertError(yaml, "metric.kind must be count or share, got 'cout'; did you mean 'count'?", at: "cout")
    }

    func testUnknownStep() {
        let yaml = replacing("  horizon: 2026-12-31", with: "  horizon: 2026-12-31\n  step: weekly")
        assertError(yaml, "forecast.step must be month, quarter or year, got 'weekly'", at: "weekly")
    }

    func testAssumedMustBeBoolean() {
        let yaml = replacing("value: 168}", with: "value: 168, assumed: maybe}")
        assertError(yaml, "observations[1].assumed must be true or false, got 'maybe'", at: "maybe")
    }

    func testDistributionShape() {
        let yaml = minimalScenario + "priors:\n  growth_rate: {uniform: [2, 1]}\n"
        assertError(yaml, "priors.growth_rate.uniform must be [lo, hi] with lo < hi, got [2, 1]", at: "[2, 1]")
        let two = minimalScenario + "priors:\n  growth_rate: {normal: {mean: 1, sd: 1}, uniform: [1, 2]}\n"
        assertError(two, "priors.growth_rate must give exactly one of {normal: {mean, sd}}, {lognormal: {median, sd_log}} or {uniform: [lo, hi]}", at: "{normal")
        let sd = minimalScenario + "priors:\n  noise_sd: {lognormal: {median: 0.1, sd_log: 0}}\n"
        assertError(sd, "priors.noise_sd.lognormal.sd_log must be greater than 0, got 0", at: "0}}")
    }

    // MARK: required

    func testMissingID() {
        let yaml = replacing("id: test\n", with: "")
        assertError(yaml, "id is required: lowercase letters, digits and '-', e.g. vung-tau-market-qr", at: "metric:")
    }

    func testMissingMetricName() {
        let yaml = replacing("  name: traders\n", with: "")
        assertError(yaml, "metric.name is required: the quantity counted, e.g. traders_accepting_qr", at: "kind: count")
    }

    func testMissingMetricKind() {
        let yaml = replacing("  kind: count\n", with: "")
        assertError(yaml, "metric.kind is required: count or share", at: "name: traders")
    }

    func testKeyWithoutValueIsMissingAtTheKey() {
        let yaml = replacing("  kind: count", with: "  kind:")
        assertError(yaml, "metric.kind is required: count or share", at: "kind:")
    }

    func testMissingHorizon() {
        let yaml = replacing("  horizon: 2026-12-31", with: "  step: year")
        assertError(yaml, "forecast.horizon is required: the last date to forecast, YYYY-MM-DD", at: "step: year")
    }

    func testMissingForecast() {
        let yaml = replacing("forecast:\n  horizon: 2026-12-31\n", with: "")
        assertError(yaml, "forecast is required: a mapping with at least horizon, e.g. {horizon: 2026-12-31}", at: "id: test")
    }

    func testMissingObservationsWithoutLaunchCeilingAndPrior() {
        let yaml = "id: test\nmetric: {name: n, kind: count, ceiling: 500}\nforecast: {horizon: 2026-12-31}\n"
        assertError(yaml, "observations (or data: file.csv) are required unless launch, metric.ceiling and priors.growth_rate are all given; missing launch, priors.growth_rate", at: "id: test")
    }

    func testEmptyObservationListCountsAsMissing() {
        let yaml = "id: test\nmetric: {name: n, kind: count}\nobservations: []\nforecast: {horizon: 2026-12-31}\n"
        assertError(yaml, "observations (or data: file.csv) are required unless launch, metric.ceiling and priors.growth_rate are all given; missing launch, metric.ceiling, priors.growth_rate", at: "observations")
    }

    func testShareNeedsAUnit() {
        let yaml = replacing("kind: count", with: "kind: share")
        assertError(yaml, "metric.unit is required for a share: percent (0–100) or fraction (0–1)", at: "share")
    }

    func testBadID() {
        let yaml = replacing("id: test", with: "id: Vung Tau")
        assertError(yaml, "id must use only lowercase letters, digits and '-' (e.g. vung-tau-market-qr), got 'Vung Tau'", at: "Vung Tau")
    }

    func testIDTooLongForAFolderName() {
        let long = String(repeating: "a", count: 300)
        let yaml = replacing("id: test", with: "id: \(long)")
        assertError(yaml, "id is 300 characters long; at most 100 (it names the scenario's results folder)", at: long)
        let longest = String(repeating: "b", count: 100)
        XCTAssertEqual(try ScenarioLoader.load(contents: replacing("id: test", with: "id: \(longest)"), path: "t.yaml").id, longest)
    }

    // MARK: observations

    func testDatesOutOfOrder() {
        let yaml = replacing("2023-07-25", with: "2022-01-25")
        assertError(yaml, "observations[2].date 2022-01-25 is before the previous observation (2022-07-25); list observations oldest first", at: "2022-01-25")
    }

    func testDuplicatedDate() {
        let yaml = replacing("2023-07-25", with: "2022-07-25")
        assertError(yaml, "observations[2].date 2022-07-25 appears twice (also at line 6); each date may have one value", at: "2022-07-25", occurrence: 2)
    }

    func testNegativeCount() {
        let yaml = replacing("value: 250", with: "value: -3")
        assertError(yaml, "observations[2].value must be at least 0 (a count cannot be negative), got -3", at: "-3")
    }

    func testShareAbove100Percent() {
        let yaml = replacing("kind: count", with: "kind: share\n  unit: percent").replacingOccurrences(of: "value: 168", with: "value: 16")
            .replacingOccurrences(of: "value: 250", with: "value: 120")
        assertError(yaml, "observations[2].value must be between 0 and 100 (a share in percent), got 120", at: "120")
    }

    func testShareAboveOneAsFraction() {
        let yaml = replacing("kind: count", with: "kind: share\n  unit: fraction").replacingOccurrences(of: "value: 168", with: "value: 0.4")
            .replacingOccurrences(of: "value: 250", with: "value: 1.5")
        assertError(yaml, "observations[2].value must be between 0 and 1 (a share as a fraction of 1), got 1.5", at: "1.5")
    }

    func testObservationBeforeLaunch() {
        let yaml = minimalScenario + "launch: 2023-01-01\n"
        assertError(yaml, "observations[1].date 2022-07-25 is before launch (2023-01-01); the level is 0 until launch", at: "2022-07-25")
    }

    func testObservationAboveFixedCeiling() {
        let yaml = replacing("  kind: count", with: "  kind: count\n  ceiling: 200")
        assertError(yaml, "observations[2].value 250 is above metric.ceiling (200); raise metric.ceiling or check the value", at: "250")
    }

    func testCountAboveItsWhole() {
        let yaml = replacing("value: 250}", with: "value: 250, of: 200}")
        assertError(yaml, "observations[2].value 250 is more than its whole (of: 200)", at: "250")
    }

    func testLogitOnACountNeedsOf() {
        let yaml = replacing("  kind: count", with: "  kind: count\n  error: logit")
        assertError(yaml, "metric.error logit on a count needs the whole ('of') of every observation, and observations[1] has none; use log for counts", at: "logit")
    }

    // MARK: targets, horizon, paths, verdict, models

    func testTargetAboveFixedCeiling() {
        let yaml = replacing("  kind: count", with: "  kind: count\n  ceiling: 542")
            + "targets:\n  - {value: 600, by: 2025-12-31, label: too many}\n"
        assertError(yaml, "targets[1].value 600 is above metric.ceiling (542) and can never be met under the stated ceiling; lower the target or raise metric.ceiling", at: "600")
    }

    func testTargetAboveCeilingRangeMax() {
        let yaml = replacing("  kind: count", with: "  kind: count\n  ceiling: {min: 400, max: 550}")
            + "targets:\n  - {value: 600, by: 2025-12-31, label: too many}\n"
        assertError(yaml, "targets[1].value 600 is above metric.ceiling.max (550) and can never be met under the stated ceiling; lower the target or raise metric.ceiling.max", at: "600")
        let within = replacing("  kind: count", with: "  kind: count\n  ceiling: {min: 400, max: 550}")
            + "targets:\n  - {value: 550, by: 2025-12-31}\n"
        XCTAssertNoThrow(try ScenarioLoader.load(contents: within, path: "t.yaml"))
    }

    /// A range whose max is below the data: the observation above it is named.
    func testCeilingRangeMaxBelowTheData() {
        let yaml = replacing("  kind: count", with: "  kind: count\n  ceiling: {min: 200, max: 240}")
        assertError(yaml, "observations[2].value 250 is above metric.ceiling.max (240); raise metric.ceiling.max or check the value", at: "250")
    }

    /// DESIGN.md: "values of a percent share that are all ≤ 1 (probably fractions: say so)".
    func testPercentShareGivenAsFractions() {
        let yaml = replacing("kind: count", with: "kind: share\n  unit: percent").replacingOccurrences(of: "value: 168", with: "value: 0.41")
            .replacingOccurrences(of: "value: 250", with: "value: 0.47") + "targets:\n  - {value: 90, by: 2025-12-31}\n"
        assertError(yaml, "metric.unit is percent, but every observation is at most 1 (largest 0.47): the values look like fractions of 1; "
                    + "a percent metric takes 47 for 47 % (multiply them by 100, or use unit: fraction)", at: "percent")
        // The same values as a fraction, a percent series that passes 1 %, and zeros, are fine.
        XCTAssertNoThrow(try ScenarioLoader.load(contents: yaml.replacingOccurrences(of: "unit: percent", with: "unit: fraction")
            .replacingOccurrences(of: "value: 90", with: "value: 0.9"), path: "t.yaml"))
        XCTAssertNoThrow(try ScenarioLoader.load(contents: yaml.replacingOccurrences(of: "value: 0.47", with: "value: 1.5"), path: "t.yaml"))
        XCTAssertNoThrow(try ScenarioLoader.load(contents: yaml.replacingOccurrences(of: "value: 0.41", with: "value: 0")
            .replacingOccurrences(of: "value: 0.47", with: "value: 0"), path: "t.yaml"))
    }

    func testTargetAbove100Percent() {
        let yaml = replacing("kind: count", with: "kind: share\n  unit: percent").replacingOccurrences(of: "value: 168", with: "value: 16")
            .replacingOccurrences(of: "value: 250", with: "value: 25")
            + "targets:\n  - {value: 105, by: 2025-12-31, label: everyone and more}\n"
        assertError(yaml, "targets[1].value must be at most 100 (a share in percent), got 105", at: "105")
    }

    func testTargetDeadlineAfterHorizon() {
        let yaml = minimalScenario + "targets:\n  - value: 400\n    by: 2027-06-30\n"
        assertError(yaml, "targets[1].by 2027-06-30 is after forecast.horizon (2026-12-31); set the horizon to 2027-06-30 or later", at: "2027-06-30")
    }

    func testTargetLabelDefaults() throws {
        let yaml = minimalScenario + "targets:\n  - {value: 400, by: 2025-12-31}\n"
        XCTAssertEqual(try ScenarioLoader.load(contents: yaml, path: "t.yaml").targets.first?.label, "400 by 2025-12-31")
    }

    func testHorizonBeforeLastObservation() {
        let yaml = replacing("horizon: 2026-12-31", with: "horizon: 2023-01-01")
        assertError(yaml, "forecast.horizon 2023-01-01 must be after the last observation (2023-07-25)", at: "2023-01-01")
    }

    func testPathsZero() {
        let yaml = replacing("  horizon: 2026-12-31", with: "  horizon: 2026-12-31\n  paths: 0")
        guard let error = loadError(yaml) else { return }
        XCTAssertEqual(error.message, "forecast.paths must be between 1 and 10,000,000, got 0")
        XCTAssertEqual(error.line, 10)
        XCTAssertEqual(error.column, 10)
    }

    func testPathsAboveTenMillion() {
        let yaml = replacing("  horizon: 2026-12-31", with: "  horizon: 2026-12-31\n  paths: 10_000_001")
        assertError(yaml, "forecast.paths must be between 1 and 10,000,000, got 10000001", at: "10_000_001")
        let ok = replacing("  horizon: 2026-12-31", with: "  horizon: 2026-12-31\n  paths: 10000000")
        XCTAssertEqual(try ScenarioLoader.load(contents: ok, path: "t.yaml").forecast.paths, 10_000_000)
    }

    func testVerdictOffNotBelowOn() {
        let yaml = minimalScenario + "verdict: {on_track: 0.5, off_track: 0.6}\n"
        assertError(yaml, "verdict thresholds must satisfy 0 ≤ off_track < on_track ≤ 1, got off_track 0.6 and on_track 0.5", at: "0.6")
    }

    func testVerdictOnAboveOne() {
        let yaml = minimalScenario + "verdict:\n  on_track: 1.5\n"
        assertError(yaml, "verdict thresholds must satisfy 0 ≤ off_track < on_track ≤ 1, got off_track 0.2 and on_track 1.5", at: "1.5")
    }

    func testVerdictNegativeOff() {
        let yaml = minimalScenario + "verdict:\n  off_track: -0.1\n"
        assertError(yaml, "verdict thresholds must satisfy 0 ≤ off_track < on_track ≤ 1, got off_track -0.1 and on_track 0.8", at: "-0.1")
    }

    func testUnknownFamilySuggests() {
        let yaml = minimalScenario + "models: [logistic, gompertz, logistc]\n"
        assertError(yaml, "unknown model family 'logistc'; did you mean 'logistic'?", at: "logistc")
        let far = minimalScenario + "models: [arima]\n"
        assertError(far, "unknown model family 'arima'; valid: logistic, gompertz, richards, bass, linear, exponential, local_trend", at: "arima")
    }

    func testBassNeedsALaunch() {
        let yaml = minimalScenario + "models: [bass]\n"
        assertError(yaml, "the bass model needs a launch date (launch: YYYY-MM-DD)", at: "bass")
    }

    func testModelsOtherWord() {
        let yaml = minimalScenario + "models: best\n"
        assertError(yaml, "models must be auto or a list of families from logistic, gompertz, richards, bass, linear, exponential, local_trend, got 'best'", at: "best")
    }

    func testCeilingShapes() {
        let range = replacing("  kind: count", with: "  kind: count\n  ceiling: {min: 600, max: 500}")
        assertError(range, "metric.ceiling.max must be greater than min, got min 600 and max 500", at: "500")
        let share = replacing("kind: count", with: "kind: share\n  unit: percent\n  ceiling: 120")
            .replacingOccurrences(of: "value: 168", with: "value: 16").replacingOccurrences(of: "value: 250", with: "value: 25")
        assertError(share, "metric.ceiling must be at most 100 for a share in percent, got 120", at: "120")
    }

    func testVariantIDs() {
        let dup = minimalScenario + "variants:\n  - {id: a, level_shift: {normal: {mean: 1, sd: 1}}}\n  - {id: a, level_shift: {normal: {mean: 2, sd: 1}}}\n"
        assertError(dup, "variants[2].id 'a' is used twice (first at line 11); variant ids must differ", at: "a, level", occurrence: 2)
        let base = minimalScenario + "variants:\n  - {id: baseline, growth_multiplier: {uniform: [1, 2]}}\n"
        assertError(base, "variants[1].id 'baseline' is reserved for the scenario without levers; choose another id", at: "baseline")
    }

    func testBothObservationsAndData() {
        let yaml = minimalScenario + "data: x.csv\n"
        assertError(yaml, "give either observations or data: file.csv, not both", at: "data:")
    }

    // MARK: data files

    func testMissingDataFile() {
        let yaml = "id: test\nmetric: {name: n, kind: count}\ndata: nowhere.csv\nforecast: {horizon: 2026-12-31}\n"
        assertError(yaml, "data file 'nowhere.csv' not found; the path is relative to the scenario file", at: "nowhere.csv")
    }

    /// The folder looked in is named once, not the path twice.
    func testMissingDataFileInAFolder() throws {
        let folder = try ScratchFolder()
        let scenario = try folder.write("s.yaml", "id: s\nmetric: {name: n, kind: count}\ndata: data/d.csv\nforecast: {horizon: 2030-12-31}\n")
        XCTAssertThrowsError(try ScenarioLoader.load(path: scenario)) { error in
            XCTAssertEqual(error as? ScenarioError, ScenarioError(file: scenario, line: 3, column: 7,
                message: "data file 'data/d.csv' not found in \(folder.path)/data/; the path is relative to the scenario file"))
        }
    }

    func testCSVErrorsNameTheCSVLine() throws {
        let folder = try ScratchFolder()
        let scenario = try folder.write("s.yaml", "id: s\nmetric: {name: n, kind: count}\ndata: d.csv\nforecast: {horizon: 2030-12-31}\n")
        let csvPath = folder.path + "/d.csv"
        let cases: [(csv: String, line: Int, column: Int, message: String)] = [
            ("date,value\n2022-01-31,5\n2022-13-01,6\n", 3, 1, "date must be YYYY-MM-DD, e.g. 2025-12-31, got '2022-13-01': the month is 13; months are 01–12"),
            ("period,value\n2021,5\n2022,many\n", 3, 6, "value must be a number, got 'many'"),
            ("period,value\n2021,5\n2020,6\n", 3, 1, "date 2020-12-31 is before the previous observation (2021-12-31); list observations oldest first"),
            ("period,value\n2021,5\n\n2021,6\n", 4, 1, "date 2021-12-31 appears twice (also at line 2); each date may have one value"),
            ("period,value\n2021,-5\n", 2, 6, "value must be at least 0 (a count cannot be negative), got -5"),
            ("period,valeu\n2021,5\n", 1, 8, "unknown column 'valeu'; did you mean 'value'?"),
            ("year,value\n2021,5\n", 1, 1, "unknown column 'year'; valid columns: date or period, value, of, note"),
            ("period,pct\n2021,5\n", 1, 8, "unknown column 'pct'; valid columns: date or period, value, of, note"),
            ("period,value\n21,5\n", 2, 1, "period must be a year YYYY from 0001 to 9999 (read as YYYY-12-31), got '21'"),
            ("period,value\n2021,5,7\n", 2, 8, "3 values but the header names 2 columns; if '5,7' is one number, write it with a decimal point (5.7)"),
            ("period,value\n2021,5\n2022,5,x\n", 3, 8, "3 values but the header names 2 columns"),
            ("period,value\n", 1, 1, "the file has a header row but no data rows"),
            ("date;value\n2021-12-31;12,5\n", 1, 1, "the file looks semicolon-separated and uses decimal commas (line 2: '12,5'): "
                + "the header 'date;value' has no ','. Uptake reads comma-separated values with a decimal point, e.g. 2021,12.5; "
                + "save the file as CSV with ',' between values and '.' in numbers"),
            ("period,value\n2021,\"12,5\"\n", 2, 6,
             "value must be a number, got '12,5'; it looks like a decimal comma; Uptake reads numbers with a decimal point (12.5)"),
            ("period,value\n2021,\"a\"b\n", 2, 9, "text after the closing quote of a value; a quoted value ends at its closing "
                + "quote, followed by ',' or the end of the line (a quote inside it is written twice)"),
        ]
        for c in cases {
            try c.csv.write(toFile: csvPath, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try ScenarioLoader.load(path: scenario), c.message) { error in
                guard let error = error as? ScenarioError else { return XCTFail("\(error)") }
                XCTAssertEqual(error.file, csvPath, c.message)
                XCTAssertEqual(error.message, c.message)
                XCTAssertEqual(error.line, c.line, c.message)
                XCTAssertEqual(error.column, c.column, c.message)
            }
        }
    }

    func testShareAboveBoundInCSV() throws {
        let folder = try ScratchFolder()
        let scenario = try folder.write("s.yaml", "id: s\nmetric: {name: n, kind: share, unit: percent}\ndata: d.csv\nforecast: {horizon: 2030-12-31}\n")
        try folder.write("d.csv", "period,value\n2021,50\n2022,101\n")
        XCTAssertThrowsError(try ScenarioLoader.load(path: scenario)) { error in
            XCTAssertEqual(error as? ScenarioError, ScenarioError(file: folder.path + "/d.csv", line: 3, column: 6,
                                                                  message: "value must be between 0 and 100 (a share in percent), got 101"))
        }
    }

    func testDescriptionIsFileLineColumn() {
        let yaml = replacing("  horizon: 2026-12-31", with: "  horizon: 2026-12-31\n  paths: many")
        XCTAssertEqual(loadError(yaml)?.description, "test.yaml:10:10: forecast.paths must be a whole number, got 'many'")
    }
}
