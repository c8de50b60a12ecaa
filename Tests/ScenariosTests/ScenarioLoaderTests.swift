import Fitting
import Forecasting
@testable import Scenarios
import XCTest

final class ScenarioLoaderTests: XCTestCase {
    /// DESIGN.md's example, with the target's note quoted: unquoted, its comma would end the
    /// note inside `{…}` (YAML flow style) and leave "not in the article" as a stray key.
    static let designExample = """
    id: vung-tau-market-qr            # required; [a-z0-9-]+, unique in a batch; names the Results/ folder
    title: Vung Tau markets — small traders accepting QR payments
    location: Vung Tau city, Ba Ria–Vung Tau
    source: Vietnam Business Forum, 25 July 2022
    metric:                           # required: name, kind
      name: traders_accepting_qr
      kind: count                     # count | share
      unit: traders                   # shares: percent (0–100) or fraction (0–1)
      observed: level                 # level (cumulative) | flow (per period, e.g. yearly sales)
      error: log                      # additive | log | logit; default: log for counts, logit for shares
      ceiling: 542                    # number | {min: a, max: b} | {prior: DIST} | omitted (estimated)
    launch: 2022-03-31                # optional: level 0 on this date (Market 4.0 launch)
    observations:                     # or data: path.csv (relative to this file), see below
      - {date: 2022-07-25, value: 168, of: 542, note: four markets}
    targets:
      - {value: 434, by: 2023-12-31, label: 80 % of traders by end of 2023, assumed: true,
         note: "illustrative target, not in the article"}
    models: auto                      # auto | [logistic, gompertz, richards, bass, linear, exponential]
    priors:                           # all optional
      growth_rate: {lognormal: {median: 1.0, sd_log: 0.7}}   # per year
      inflection: {date: 2023-06-30, sd_years: 1.5}
      noise_sd: {lognormal: {median: 0.1, sd_log: 0.5}}      # on the error scale
    forecast:
      horizon: 2026-12-31             # required
      step: month                     # month | quarter | year (default month)
      paths: 10000                    # default 10000, at most 10,000,000
      seed: 1                         # default 1
    verdict: {on_track: 0.8, off_track: 0.2}                 # default thresholds
    variants:
      - id: campaign
        from: 2023-01-01
        growth_multiplier: {uniform: [1.1, 1.4]}             # also ceiling_multiplier, level_shift

    """

    func testDesignExampleParsesWithItsValues() throws {
        let s = try ScenarioLoader.load(contents: Self.designExample, path: "Scenarios/vung-tau.yaml")
        XCTAssertEqual(s.id, "vung-tau-market-qr")
        XCTAssertEqual(s.title, "Vung Tau markets — small traders accepting QR payments")
        XCTAssertEqual(s.location, "Vung Tau city, Ba Ria–Vung Tau")
        XCTAssertEqual(s.source, "Vietnam Business Forum, 25 July 2022")
        XCTAssertEqual(s.metric, Metric(name: "traders_accepting_qr", kind: .count, unit: "traders", observed: .level,
                                        error: .log, ceiling: .fixed(542)))
        XCTAssertEqual(s.launch, CalendarDate(iso: "2022-03-31"))
        XCTAssertEqual(s.observations, [ScenarioObservation(date: CalendarDate(iso: "2022-07-25")!, value: 168, of: 542,
                                                            note: "four markets")])
        XCTAssertEqual(s.targets, [ScenarioTarget(value: 434, by: CalendarDate(iso: "2023-12-31")!,
                                                  label: "80 % of traders by end of 2023", assumed: true,
                                                  note: "illustrative target, not in the article")])
        XCTAssertEqual(s.models, [.logistic, .gompertz], "auto with one observation: the sigmoids only, no bass for levels")
        XCTAssertEqual(s.priors.growthRate, ScenarioPrior(.lognormal(median: 1.0, sdLog: 0.7)))
        XCTAssertEqual(s.priors.inflection, ScenarioPrior(.normal(mean: CalendarDate(iso: "2023-06-30")!.decimalYear, sd: 1.5)))
        XCTAssertEqual(s.priors.noiseSD, ScenarioPrior(.lognormal(median: 0.1, sdLog: 0.5)))
        XCTAssertEqual(s.forecast, ForecastSettings(horizon: CalendarDate(iso: "2026-12-31")!, step: .month, paths: 10_000, seed: 1))
        XCTAssertEqual(s.verdict, VerdictThresholds(onTrack: 0.8, offTrack: 0.2))
        XCTAssertEqual(s.variants, [VariantLevers(id: "campaign", from: CalendarDate(iso: "2023-01-01"),
                                                  growthMultiplier: .uniform(lower: 1.1, upper: 1.4))])
        XCTAssertEqual(s.path, "Scenarios/vung-tau.yaml")
        XCTAssertEqual(s.inputSHA256, SHA256.hex(Array(Self.designExample.utf8)))
    }

    func testDesignExampleVerbatimReportsTheStrayCommaText() {
        let verbatim = Self.designExample.replacingOccurrences(
            of: "\"illustrative target, not in the article\"", with: "illustrative target, not in the article")
        guard let error = loadError(verbatim) else { return }
        XCTAssertEqual(error.message, "unknown key 'not in the article' in targets[1]; valid keys: value, by, label, assumed, note, cumulative (a comma ends a value inside {…}: put text with commas in quotes)")
        XCTAssertEqual(error.line, 17)
    }

    func testDefaults() throws {
        let s = try ScenarioLoader.load(contents: minimalScenario, path: "test.yaml")
        XCTAssertNil(s.title)
        XCTAssertEqual(s.metric, Metric(name: "traders", kind: .count))
        XCTAssertEqual(s.metric.observed, .level)
        XCTAssertNil(s.metric.error)
        XCTAssertEqual(s.metric.ceiling, .estimated)
        XCTAssertNil(s.launch)
        XCTAssertEqual(s.targets, [])
        XCTAssertEqual(s.models, [.logistic, .gompertz], "auto with one observation")
        XCTAssertEqual(s.priors, ScenarioPriors())
        XCTAssertEqual(s.forecast.step, .month)
        XCTAssertEqual(s.forecast.paths, 10_000)
        XCTAssertEqual(s.forecast.seed, 1)
        XCTAssertEqual(s.verdict, VerdictThresholds())
        XCTAssertEqual(s.variants, [])
    }

    func testAutoModelsAddBassForFlowsWithALaunch() throws {
        XCTAssertEqual(ScenarioLoader.autoModels(launch: CalendarDate(iso: "2020-01-01"), observed: .flow),
                       [.logistic, .gompertz, .richards, .bass, .linear])
        XCTAssertEqual(ScenarioLoader.autoModels(launch: nil, observed: .flow),
                       [.logistic, .gompertz, .richards, .linear])
        XCTAssertEqual(ScenarioLoader.autoModels(launch: CalendarDate(iso: "2020-01-01"), observed: .level),
                       [.logistic, .gompertz, .richards, .linear])
        // Sparse data: only the families the points can support.
        XCTAssertEqual(ScenarioLoader.autoModels(launch: nil, observed: .level, observationCount: 1), [.logistic, .gompertz])
        XCTAssertEqual(ScenarioLoader.autoModels(launch: nil, observed: .level, observationCount: 3),
                       [.logistic, .gompertz, .linear])
        XCTAssertEqual(ScenarioLoader.autoModels(launch: nil, observed: .level, observationCount: 6),
                       [.logistic, .gompertz, .richards, .linear])
        let yaml = minimalScenario.replacingOccurrences(of: "  kind: count", with: "  kind: count\n  observed: flow")
            + "launch: 2022-01-01\nmodels: [bass, logistic]\n"
        XCTAssertEqual(try ScenarioLoader.load(contents: yaml, path: "t.yaml").models, [.bass, .logistic])
    }

    func testJSONInput() throws {
        let json = """
        {
          "id": "hai-chau-accounts",
          "metric": {"name": "households", "kind": "share", "unit": "percent",
                     "ceiling": {"min": 80, "max": 100, "assumed": true, "note": "some never will"}},
          "observations": [{"date": "2024-06-30", "value": 56.4, "of": 11252}],
          "launch": "2023-01-01",
          "priors": {"growth_rate": {"normal": {"mean": 1.2, "sd": 0.4}, "assumed": true}},
          "targets": [{"value": 80, "by": "2025-12-31", "label": "80 %"}],
          "forecast": {"horizon": "2026-12-31", "step": "quarter", "paths": 2000, "seed": 7},
          "verdict": {"on_track": 0.9, "off_track": 0.1}
        }
        """
        let s = try ScenarioLoader.load(contents: json, path: "hai-chau.json")
        XCTAssertEqual(s.id, "hai-chau-accounts")
        XCTAssertEqual(s.metric.kind, .share(.percent))
        XCTAssertEqual(s.metric.ceiling, .range(min: 80, max: 100))
        XCTAssertTrue(s.metric.ceilingAssumed)
        XCTAssertEqual(s.metric.ceilingNote, "some never will")
        XCTAssertEqual(s.observations, [ScenarioObservation(date: CalendarDate(iso: "2024-06-30")!, value: 56.4, of: 11252)])
        XCTAssertEqual(s.priors.growthRate, ScenarioPrior(.normal(mean: 1.2, sd: 0.4), assumed: true))
        XCTAssertEqual(s.forecast, ForecastSettings(horizon: CalendarDate(iso: "2026-12-31")!, step: .quarter, paths: 2000, seed: 7))
        XCTAssertEqual(s.verdict, VerdictThresholds(onTrack: 0.9, offTrack: 0.1))
    }

    func testJSONIndentedWithTabs() throws {
        let json = "{\n\t\"id\": \"t\",\n\t\"metric\": {\n\t\t\"name\": \"n\",\n\t\t\"kind\": \"count\",\n\t\t\"ceiling\": {\"prior\": {\"lognormal\": {\"median\": 600, \"sd_log\": 0.2}}}\n\t},\n"
            + "\t\"observations\": [{\"date\": \"2022-07-25\", \"value\": 168}],\n\t\"forecast\": {\"horizon\": \"2026-12-31\"}\n}\n"
        let s = try ScenarioLoader.load(contents: json, path: "t.json")
        XCTAssertEqual(s.metric.ceiling, .prior(.lognormal(median: 600, sdLog: 0.2)))
    }

    func testDataCSVWithPeriodAndHashOfBoth() throws {
        let folder = try ScratchFolder()
        try FileManager.default.createDirectory(atPath: folder.path + "/data", withIntermediateDirectories: true)
        let csv = "period,value,of\n2021,12.5,\n2022,30,\n\"2023\",41.25,1000\n"
        try folder.write("data/internet.csv", csv)
        let yaml = """
        id: internet
        metric: {name: users, kind: share, unit: percent}
        data: data/internet.csv
        forecast: {horizon: 2030-12-31, step: year}

        """
        let path = try folder.write("internet.yaml", yaml)
        let s = try ScenarioLoader.load(path: path)
        XCTAssertEqual(s.observations, [
            ScenarioObservation(date: CalendarDate(iso: "2021-12-31")!, value: 12.5),
            ScenarioObservation(date: CalendarDate(iso: "2022-12-31")!, value: 30),
            ScenarioObservation(date: CalendarDate(iso: "2023-12-31")!, value: 41.25, of: 1000),
        ])
        XCTAssertEqual(s.inputSHA256, SHA256.hex(Array(yaml.utf8) + Array(csv.utf8)))
        XCTAssertNotEqual(s.inputSHA256, SHA256.hex(Array(yaml.utf8)))
    }

    /// Windows Notepad saves UTF-8 with a byte-order mark: YAML and JSON load as without it,
    /// columns are those an editor shows, and the hash is of the file's bytes as they are.
    func testByteOrderMarkIsSkipped() throws {
        let folder = try ScratchFolder()
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let yaml = bom + Array(minimalScenario.utf8)
        let yamlPath = folder.path + "/bom.yaml"
        try Data(yaml).write(to: URL(fileURLWithPath: yamlPath))
        let s = try ScenarioLoader.load(path: yamlPath)
        XCTAssertEqual(s.id, "test")
        XCTAssertEqual(s.observations.count, 2)
        XCTAssertEqual(s.inputSHA256, SHA256.hex(yaml))

        let json = #"{"id": "j", "metric": {"name": "n", "kind": "count"}, "observations": [{"date": "2022-07-25", "value": 168}], "#
            + #""forecast": {"horizon": "2026-12-31"}}"#
        let jsonPath = folder.path + "/bom.json"
        try Data(bom + Array(json.utf8)).write(to: URL(fileURLWithPath: jsonPath))
        XCTAssertEqual(try ScenarioLoader.load(path: jsonPath).id, "j")

        let bad = bom + Array(minimalScenario.replacingOccurrences(of: "id: test", with: "id: Te st").utf8)
        try Data(bad).write(to: URL(fileURLWithPath: yamlPath))
        XCTAssertThrowsError(try ScenarioLoader.load(path: yamlPath)) { error in
            XCTAssertEqual((error as? ScenarioError)?.line, 1)
            XCTAssertEqual((error as? ScenarioError)?.column, 5, "after 'id: ', the mark not counted")
        }
    }

    func testDataCSVWithDateColumn() throws {
        let folder = try ScratchFolder()
        try folder.write("d.csv", "\u{FEFF}date,value,note\r\n2022-07-25,168,\"four markets, QR\"\r\n\r\n2023-01-31,200,\r\n")
        let path = try folder.write("s.yaml", "id: s\nmetric: {name: n, kind: count}\ndata: d.csv\nforecast: {horizon: 2025-12-31}\n")
        let s = try ScenarioLoader.load(path: path)
        XCTAssertEqual(s.observations.map(\.value), [168, 200])
        XCTAssertEqual(s.observations.first?.note, "four markets, QR")
    }

    func testNoObservationsWithLaunchCeilingAndGrowthPrior() throws {
        let yaml = """
        id: phu-my-acceptance
        metric:
          name: acceptance_points
          kind: count
          ceiling: {value: 1000, assumed: true, note: guess}
        launch: 2024-01-01
        priors:
          growth_rate: {lognormal: {median: 1.0, sd_log: 0.7}, assumed: true}
        targets:
          - {value: 800, by: 2025-12-31, label: 800 points}
        forecast: {horizon: 2026-12-31}

        """
        let s = try ScenarioLoader.load(contents: yaml, path: "phu-my.yaml")
        XCTAssertEqual(s.observations, [])
        XCTAssertEqual(s.metric.ceiling, .fixed(1000))
        XCTAssertTrue(s.metric.ceilingAssumed)
        let request = try s.forecastRequest()
        XCTAssertEqual(request.grid.referenceDate, CalendarDate(iso: "2024-01-01"))
        XCTAssertEqual(request.series.observations.count, 0)
    }

    func testForecastRequest() throws {
        let s = try ScenarioLoader.load(contents: Self.designExample, path: "vung-tau.yaml")
        let request = try s.forecastRequest()
        XCTAssertEqual(request.families, s.models)
        XCTAssertEqual(request.grid.referenceDate, CalendarDate(iso: "2022-07-25"))
        XCTAssertEqual(request.grid.dates.first, CalendarDate(iso: "2022-08-31"))
        XCTAssertEqual(request.grid.dates.last, CalendarDate(iso: "2026-12-31"))
        XCTAssertEqual(request.variants.map(\.id), ["baseline", "campaign"])
        XCTAssertEqual(request.targets, [ForecastTarget(label: "80 % of traders by end of 2023", value: 434,
                                                        deadline: CalendarDate(iso: "2023-12-31")!, assumed: true)])
        XCTAssertEqual(request.thresholds, VerdictThresholds())
        XCTAssertEqual(request.paths, 10_000)
        XCTAssertEqual(request.seed, 1)
        XCTAssertEqual(request.series.ceiling, .fixed(542))
        XCTAssertEqual(request.series.launch, CalendarDate(iso: "2022-03-31")!.decimalYear)
        XCTAssertEqual(request.series.growthRatePrior, .lognormal(median: 1.0, sdLog: 0.7))
        XCTAssertEqual(request.series.inflectionPrior, .normal(mean: CalendarDate(iso: "2023-06-30")!.decimalYear, sd: 1.5))
        XCTAssertEqual(request.series.noisePrior, .lognormal(median: 0.1, sdLog: 0.5))
        XCTAssertEqual(request.series.observations.map(\.value), [168])
        XCTAssertNil(request.shareBound)
    }

    func testTemplateValidates() throws {
        let yaml = ScenarioTemplate.yaml(id: "my-scenario")
        let s = try ScenarioLoader.load(contents: yaml, path: "my-scenario.yaml")
        XCTAssertEqual(s.id, "my-scenario")
        XCTAssertNoThrow(try s.forecastRequest())
        XCTAssertTrue(yaml.contains("ASSUMED"))
        // Every top-level line is explained, and every valid key is shown (data, ceiling_multiplier
        // and level_shift in comments).
        for line in yaml.split(separator: "\n") where line.first?.isLetter == true {
            XCTAssertTrue(line.contains("#"), "no comment: \(line)")
        }
        let keys = ScenarioParser.topKeys + MetricSection.keys + CeilingEntry.keys + LaunchEntry.keys
            + ObservationsSection.keys + TargetsSection.keys + PriorsSection.keys + PriorsSection.inflectionKeys
            + ForecastSection.keys + VerdictSection.keys + VariantsSection.keys + NodeReader.distributionKeys
            + SeekSection.keys
        for key in keys { XCTAssertTrue(yaml.contains(key), key) }
        XCTAssertTrue(yaml.contains("`data: file.csv`"))
    }

    func testExpand() throws {
        let folder = try ScratchFolder()
        try folder.write("b.yaml", minimalScenario)
        try folder.write("a.json", "{}")
        try folder.write("c.yml", minimalScenario)
        try folder.write("notes.txt", "x")
        try folder.write(".hidden.yaml", "x")
        let single = try folder.write("single.yaml", minimalScenario)
        XCTAssertEqual(try ScenarioLoader.expand([folder.path, single]),
                       ["a.json", "b.yaml", "c.yml", "single.yaml"].map { folder.path + "/" + $0 } + [single])
        let empty = try ScratchFolder()
        XCTAssertThrowsError(try ScenarioLoader.expand([empty.path])) { error in
            XCTAssertEqual((error as? ScenarioError)?.message, "no scenario files (*.yaml, *.yml, *.json) in this folder")
        }
        XCTAssertThrowsError(try ScenarioLoader.load(path: empty.path + "/none.yaml")) { error in
            XCTAssertEqual((error as? ScenarioError)?.message, "no such file")
        }
        XCTAssertThrowsError(try ScenarioLoader.expand([folder.path + "/missing.yaml"])) { error in
            XCTAssertEqual((error as? ScenarioError)?.message, "no such file or folder")
        }
    }

    func testNearestKeySuggestion() {
        XCTAssertEqual(NearestName.suggest("obsrvations", among: ScenarioParser.topKeys), "observations")
        XCTAssertEqual(NearestName.suggest("horizn", among: ForecastSection.keys), "horizon")
        XCTAssertEqual(NearestName.suggest("Title", among: ScenarioParser.topKeys), "title")
        XCTAssertEqual(NearestName.suggest("growth-rate", among: PriorsSection.keys), "growth_rate")
        XCTAssertEqual(NearestName.suggest("tagrets", among: ScenarioParser.topKeys), "targets")
        XCTAssertNil(NearestName.suggest("colour", among: ScenarioParser.topKeys))
        XCTAssertEqual(NearestName.distance("kitten", "sitting"), 3)
        XCTAssertEqual(NearestName.distance("ab", "ba"), 1)
    }
}

/// A launch date or a variant that the source does not give is marked like any other input.
final class AssumedLaunchAndVariantTests: XCTestCase {
    func testLaunchAndVariantCarryAssumedAndNote() throws {
        let yaml = minimalScenario + """
            launch: {date: 2022-01-01, assumed: true, note: programme start not in the article}
            variants:
              - {id: campaign, from: 2024-01-01, growth_multiplier: {uniform: [1.1, 1.4]}, assumed: true, note: a what-if}

            """
        let scenario = try ScenarioLoader.load(contents: yaml, path: "t.yaml")
        XCTAssertEqual(scenario.launch, CalendarDate(iso: "2022-01-01"))
        XCTAssertTrue(scenario.launchAssumed)
        XCTAssertEqual(scenario.launchNote, "programme start not in the article")
        XCTAssertEqual(scenario.variants.first?.assumed, true)
        XCTAssertEqual(scenario.variants.first?.note, "a what-if")

        let plain = try ScenarioLoader.load(contents: minimalScenario + "launch: 2022-01-01\n", path: "t.yaml")
        XCTAssertEqual(plain.launch, CalendarDate(iso: "2022-01-01"))
        XCTAssertFalse(plain.launchAssumed)

        XCTAssertThrowsError(try ScenarioLoader.load(contents: minimalScenario + "launch: {assumed: true}\n", path: "t.yaml")) {
            XCTAssertTrue("\($0)".contains("date"), "\($0)")
        }
    }
}
