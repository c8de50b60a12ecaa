import Foundation
import Scenarios
import TextIO

/// `uptake export notebook`: Jupyter notebooks over a results folder — one per scenario
/// folder (`<id>.ipynb`) and `overview.ipynb` — that load the CSV files with pandas and draw
/// them with matplotlib (DESIGN.md, "Outputs": Notebooks-export/).
///
/// ```swift
/// let export = NotebookExport(results: ResultsFolder("Results"), folder: "Notebooks-export")
/// let (written, problems) = try export.write()     // Notebooks-export/overview.ipynb, …
/// ```
///
/// The notebooks read the results where they are, by a path relative to the notebook
/// (`../Results/<id>/forecast.csv` for the bundled ones), so they run from a clone as they
/// are. A scenario notebook shows the fan (50 / 80 / 90 % bands and the median from
/// forecast.csv's quantiles, the observations, the targets), the feasibility and fit tables,
/// the assumptions from run.json, and seek.csv, families.csv and sensitivity.csv when the
/// results folder has them. The observations are not in the results folder: they are read
/// from the scenario file run.json names (`input`) at export time and written into the
/// notebook, with a note when that file has changed since the run (its SHA-256 differs).
///
/// The notebooks are written unexecuted (nbformat 4.5, empty outputs);
/// `scripts/execute-notebooks.py` runs them with a Jupyter kernel and stores the outputs.
public struct NotebookExport: Sendable {
    public static let overviewName = "overview.ipynb"

    public let results: ResultsFolder
    /// The folder the notebooks go to.
    public let folder: String

    public init(results: ResultsFolder, folder: String) {
        self.results = results
        self.folder = folder
    }

    public struct Notebook: Sendable {
        public var fileName: String
        public var json: TextBuffer
    }

    /// The notebooks (scenario notebooks in id order, then the overview) and the problems
    /// met (an unreadable run.json: that scenario gets no notebook).
    public func notebooks() -> (notebooks: [Notebook], problems: [String]) {
        let ids = results.scenarioIDs()
        var notebooks: [Notebook] = [], problems: [String] = []
        let analyses = ResultsFolder.AnalysisTable.allCases.compactMap { results.analysis($0) }
        var exported: [(id: String, scenario: Scenario?)] = []
        for id in ids {
            do {
                let manifest = try results.manifest(of: id)
                let (scenario, note) = scenario(of: manifest)
                notebooks.append(Notebook(fileName: "\(id).ipynb",
                                          json: scenarioNotebook(id, manifest, scenario, note, analyses)))
                exported.append((id, scenario))
            } catch {
                problems.append("\(error)")
            }
        }
        for analysis in analyses { problems += analysis.problems }
        notebooks.append(Notebook(fileName: Self.overviewName, json: overviewNotebook(exported, analyses)))
        return (notebooks, problems)
    }

    /// Writes every notebook into ``folder`` (atomically); returns the paths written and the
    /// problems of ``notebooks()``.
    public func write() throws -> (written: [String], problems: [String]) {
        let (notebooks, problems) = notebooks()
        var written: [String] = []
        for notebook in notebooks {
            let path = (folder as NSString).appendingPathComponent(notebook.fileName)
            do { try AtomicFile.write(notebook.json, to: path) } catch {
                throw ResultsFolder.LayoutError(description: "cannot write \(path): \(error.localizedDescription)")
            }
            written.append(path)
        }
        return (written, problems)
    }

    // MARK: Paths

    /// `path` relative to the notebook folder (both made absolute against the working directory).
    func relative(_ path: String) -> String {
        Self.relativePath(from: folder, to: path)
    }

    /// The path that leads from folder `base` to `target`, e.g. `../Results/x` from
    /// `Notebooks-export` to `Results/x`.
    public static func relativePath(from base: String, to target: String) -> String {
        func components(_ path: String) -> [String] {
            let absolute = path.hasPrefix("/") ? path
                : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
            return (absolute as NSString).standardizingPath.split(separator: "/").map(String.init)
        }
        let from = components(base), to = components(target)
        var common = 0
        while common < min(from.count, to.count), from[common] == to[common] { common += 1 }
        let parts = Array(repeating: "..", count: from.count - common) + to[common...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// The scenario file of a run: as run.json names it (relative to where `uptake run` ran,
    /// usually here), else beside the results folder.
    private func scenarioFile(_ input: String) -> String? {
        let beside = ((results.root as NSString).deletingLastPathComponent as NSString).appendingPathComponent(input)
        return [input, beside].first { FileManager.default.isReadableFile(atPath: $0) }
    }

    /// The scenario of a run (for its title and observations), and a sentence on where the
    /// observations come from.
    private func scenario(of manifest: ResultsFolder.Manifest) -> (Scenario?, String) {
        guard let file = scenarioFile(manifest.input) else {
            return (nil, "The scenario file `\(manifest.input)` (run.json's `input`) was not found at export time, so the chart shows no observations.")
        }
        do {
            let scenario = try ScenarioLoader.load(path: file)
            let changed = scenario.inputSHA256 != manifest.inputSHA256
                ? " **It has changed since the run** (its SHA-256 differs from run.json's): run `uptake run` again."
                : ""
            return (scenario, "Copied from `\(manifest.input)` (run.json's `input`) when the notebook was exported.\(changed)")
        } catch {
            return (nil, "The scenario file `\(manifest.input)` could not be read at export time (\(error)), so the chart shows no observations.")
        }
    }

    // MARK: Notebooks

    private func scenarioNotebook(_ id: String, _ manifest: ResultsFolder.Manifest, _ scenario: Scenario?,
                                  _ observationNote: String, _ analyses: [ResultsFolder.AnalysisRows]) -> TextBuffer {
        let resultsPath = relative(results.folder(for: id))
        var notebook = JupyterNotebook()
        let place = [scenario?.location, scenario?.source.map { "source: \($0)" }].compactMap { $0 }
        notebook.markdown("""
            # \(Self.markdown(scenario?.title ?? id))

            `\(id)`\(place.map { " · " + Self.markdown($0) }.joined())

            Forecast by uptake \(manifest.version) from `\(manifest.input)`: seed \(manifest.seed), \
            \(manifest.paths) paths per variant, \(manifest.step)ly steps from \(manifest.referenceDate) \
            (the last observation) to \(manifest.horizon).

            The results are read from `\(resultsPath)` (relative to this notebook). Exported by \
            `uptake export notebook`; after `uptake run`, run all cells again to see the new results.
            """)
        notebook.code(Self.setupCode)
        notebook.code("""
            RESULTS = Path(\(JupyterNotebook.pythonString(resultsPath)))
            SCENARIO = \(JupyterNotebook.pythonString(id))
            run = json.loads((RESULTS / "run.json").read_text(encoding="utf-8"))
            forecast = read_forecast(RESULTS / "forecast.csv")
            feasibility = read_feasibility(RESULTS / "feasibility.csv")
            fit = pd.read_csv(RESULTS / "fit.csv", keep_default_na=False, na_values=[""])
            METRIC = main_series(forecast)\(Self.targetSeries([(id, scenario)]))
            print(f"{SCENARIO}: {len(forecast)} forecast rows, {len(feasibility)} target × variant rows, "
                  f"{len(fit)} fit rows; forecast from {forecast['reference_date'].iloc[0].date()}")
            """)
        notebook.markdown("## Observations\n\n\(observationNote) Assumed values (not in the source) are drawn hollow.")
        notebook.code(Self.observationsCode(scenario))
        notebook.markdown("""
            ## The fan

            Per variant and series: the 50, 80 and 90 % bands and the median of forecast.csv's \
            quantiles, the observations (for a flow metric, their running total beside its \
            cumulative series), and the targets at their deadlines (×).
            """)
        notebook.code("""
            panels = forecast[["variant", "target"]].drop_duplicates().itertuples(index=False)
            panels = list(panels)
            fig, axes = plt.subplots(len(panels), 1, figsize=(9, 3.8 * len(panels)), squeeze=False)
            for ax, (variant, series) in zip(axes[:, 0], panels):
                rows = forecast[(forecast["variant"] == variant) & (forecast["target"] == series)]
                targets = targets_on(series, feasibility[feasibility["variant"] == variant], forecast)
                draw_fan(ax, rows, f"{series}, {variant}", observations=observations_on(series), targets=targets)
            fig.tight_layout()
            plt.show()
            """)
        notebook.markdown("""
            ## Will the targets be met?

            feasibility.csv: P(met by the deadline) ± its Monte Carlo standard error, the value at \
            the deadline (5 / 50 / 95 %), the date first reached (10 / 50 / 90 %; empty when fewer \
            paths reach the target by the horizon) and the verdict.
            """)
        notebook.code("""
            feasibility.drop(columns="scenario")
            """)
        notebook.markdown("## The fitted curve families\n\nfit.csv: each family's parameters, where they come from, AICc and weight in the Monte Carlo mix.")
        notebook.code("fit")
        notebook.markdown("## What the verdicts assume\n\nrun.json's `assumptions`: inputs that are not in the source, and the model's defaults.")
        notebook.code("""
            for number, sentence in enumerate(run["assumptions"], 1):
                print(f"{number}. {sentence}")
            """)
        appendAnalyses(to: &notebook, analyses, scenario: id)
        return notebook.document(metadata: [("uptake", .object([("scenario", .string(id)), ("results", .string(resultsPath))]))])
    }

    private func overviewNotebook(_ exported: [(id: String, scenario: Scenario?)], _ analyses: [ResultsFolder.AnalysisRows]) -> TextBuffer {
        let rootPath = relative(results.root)
        let ids = exported.map(\.id)
        var notebook = JupyterNotebook()
        let links = ids.map { "[\($0)](\($0).ipynb)" }.joined(separator: " · ")
        notebook.markdown("""
            # Uptake results: overview

            Every scenario folder of `\(rootPath)` (relative to this notebook): \(ids.count) scenario\(ids.count == 1 ? "" : "s"). \
            One notebook per scenario: \(links.isEmpty ? "none" : links).
            """)
        notebook.code(Self.setupCode)
        notebook.code("""
            RESULTS = Path(\(JupyterNotebook.pythonString(rootPath)))
            SCENARIOS = \(JupyterNotebook.pythonList(ids))\(Self.targetSeries(exported))
            summary = read_feasibility(RESULTS / "summary.csv")
            summary[["scenario", "variant", "target_label", "deadline", "p_meet", "p_meet_se", "date_reached_q50", "verdict"]]
            """)
        notebook.markdown("""
            ## P(met) per target

            Each target and variant, with ± 2 Monte Carlo standard errors; the dotted lines are the \
            default verdict thresholds (off track below 0.2, on track from 0.8).
            """)
        notebook.code("""
            colours = {"on_track": "tab:green", "at_risk": "tab:orange", "off_track": "tab:red", "met": "tab:blue", "missed": "tab:gray"}
            names = [f"{row.scenario} · {row.variant}\\n{textwrap.shorten(row.target_label, 60, placeholder='…')}"
                     for row in summary.itertuples()]
            fig, ax = plt.subplots(figsize=(9, 0.5 * len(summary) + 1.2))
            ax.errorbar(summary["p_meet"], range(len(summary)), xerr=2 * summary["p_meet_se"], fmt="none", ecolor="black")
            ax.scatter(summary["p_meet"], range(len(summary)), c=[colours.get(v, "black") for v in summary["verdict"]], zorder=3)
            ax.set_yticks(range(len(summary)), names, fontsize="x-small")
            ax.invert_yaxis()
            for threshold in (0.2, 0.8):
                ax.axvline(threshold, color="gray", linestyle=":")
            ax.set_xlim(-0.02, 1.02)
            ax.set_xlabel("P(met by the deadline)")
            fig.tight_layout()
            plt.show()
            """)
        notebook.markdown("## The fans\n\nThe first variant of each scenario, its main series, with its observations' end (the reference date) and its targets.")
        notebook.code("""
            columns = 3
            rows_needed = max(1, -(-len(SCENARIOS) // columns))
            fig, axes = plt.subplots(rows_needed, columns, figsize=(4.2 * columns, 3.2 * rows_needed), squeeze=False)
            for ax in axes.flat[len(SCENARIOS):]:
                ax.set_visible(False)
            for ax, scenario in zip(axes.flat, SCENARIOS):
                forecast = read_forecast(RESULTS / scenario / "forecast.csv")
                variant = forecast["variant"].iloc[0]
                series = main_series(forecast)
                rows = forecast[(forecast["variant"] == variant) & (forecast["target"] == series)]
                targets = summary[(summary["scenario"] == scenario) & (summary["variant"] == variant)]
                draw_fan(ax, rows, scenario, targets=targets_on(series, targets, forecast), legend=False)
                ax.axvline(forecast["reference_date"].iloc[0], color="gray", linewidth=0.8)
                ax.tick_params(labelsize="x-small")
            fig.tight_layout()
            plt.show()
            """)
        appendAnalyses(to: &notebook, analyses, scenario: nil)
        return notebook.document(metadata: [("uptake", .object([("results", .string(rootPath))]))])
    }

    /// The seek, families and sensitivity sections: the tables (and a chart) when the results
    /// folder has them, else a sentence saying they are absent.
    private func appendAnalyses(to notebook: inout JupyterNotebook, _ analyses: [ResultsFolder.AnalysisRows], scenario: String?) {
        for table in ResultsFolder.AnalysisTable.allCases {
            let (heading, about) = Self.describe(table)
            let analysis = analyses.first { $0.table == table }
            // A scenario's notebook reads the file at the top of the results folder and its own.
            let files = (analysis?.files ?? []).filter { file in
                guard let scenario else { return true }
                let parent = (file as NSString).deletingLastPathComponent
                return parent == results.root || parent == results.folder(for: scenario)
            }
            let hasRows = analysis.map { scenario.map($0.rows(of:)) ?? $0.rows }.map { !$0.isEmpty } ?? false
            guard hasRows, !files.isEmpty else {
                notebook.markdown("## \(heading)\n\nNot computed: the results folder has no \(table.fileName) rows\(scenario == nil ? "" : " for this scenario")\(Self.writer(of: table)).")
                continue
            }
            let name = table.rawValue
            let filter = scenario == nil ? "" : "\n\(name) = \(name)[\(name)[\"scenario\"] == SCENARIO]"
            notebook.markdown("## \(heading)\n\n\(about)")
            notebook.code("""
                FILES = \(JupyterNotebook.pythonList(files.map(relative)))
                \(name) = pd.concat([pd.read_csv(path, keep_default_na=False, na_values=[""]) for path in FILES], ignore_index=True)\(filter)
                \(name)
                """)
            switch table {
            case .families:
                notebook.code("""
                    for (where, label), rows in families.groupby(["scenario", "target_label"], sort=False):
                        fig, ax = plt.subplots(figsize=(7, 0.4 * len(rows) + 1.2))
                        ax.barh(rows["family"], rows["p_meet"], xerr=2 * rows["p_meet_se"], color="tab:blue", alpha=0.7)
                        ax.set_xlim(0, 1)
                        ax.set_xlabel("P(met) if every path drew this family (± 2 s.e.)")
                        ax.set_title(f"{where}: {label}", fontsize="small")
                        ax.invert_yaxis()
                        fig.tight_layout()
                        plt.show()
                    """)
            case .sensitivity:
                notebook.code("""
                    for (where, label), rows in sensitivity.groupby(["scenario", "target_label"], sort=False):
                        spans = rows.groupby("input", sort=False)["p_meet"].agg(["min", "max"])
                        spans = spans.assign(width=spans["max"] - spans["min"]).sort_values("width")
                        fig, ax = plt.subplots(figsize=(7, 0.4 * len(spans) + 1.2))
                        ax.barh(spans.index, spans["width"], left=spans["min"], color="tab:orange", alpha=0.7)
                        ax.set_xlim(0, 1)
                        ax.set_xlabel("P(met) over each input's settings")
                        ax.set_title(f"{where}: {label}", fontsize="small")
                        fig.tight_layout()
                        plt.show()
                    """)
            case .seek:
                break
            }
        }
    }

    private static func describe(_ table: ResultsFolder.AnalysisTable) -> (String, String) {
        switch table {
        case .seek:
            return ("What it would take", "seek.csv: per target, the smallest value of a lever that lifts P(met) to the probability asked, P(met) there, and the date the target is reached at that probability.")
        case .families:
            return ("P(met) by curve family", "families.csv: P(met) if every Monte Carlo path drew the same curve family; far-apart values mean the verdict depends on the choice of curve.")
        case .sensitivity:
            return ("How P(met) swings with each input", "sensitivity.csv: P(met) with each input set low and high, the others as they are (a tornado: the widest bars matter most).")
        }
    }

    private static func writer(of table: ResultsFolder.AnalysisTable) -> String {
        switch table {
        case .seek: return " (`uptake seek` writes them)"
        case .sensitivity: return " (`uptake sensitivity` writes them)"
        case .families: return ""
        }
    }

    /// The observations as a DataFrame literal; a level metric's launch date is a row of
    /// value 0 (noted `launch`), as the model anchors the curve there.
    private static func observationsCode(_ scenario: Scenario?) -> String {
        var rows = (scenario?.observations ?? []).map { ($0.date, $0.value, $0.assumed, $0.note ?? "") }
        if let scenario, let launch = scenario.launch, scenario.metric.observed == .level {
            rows.insert((launch, 0, scenario.launchAssumed, "launch"), at: 0)
        }
        func list(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }
        return """
            observations = pd.DataFrame({
                "date": pd.to_datetime(\(JupyterNotebook.pythonList(rows.map(\.0.description)))),
                "value": pd.Series(\(list(rows.map { OutputNumber.string($0.1) })), dtype=float),
                "assumed": pd.Series(\(list(rows.map { $0.2 ? "True" : "False" })), dtype=bool),
                "note": pd.Series(\(JupyterNotebook.pythonList(rows.map(\.3))), dtype=str),
            })
            OBSERVED = \(JupyterNotebook.pythonString(scenario?.metric.observed == .flow ? "flow" : "level"))


            def observations_on(series):
                \"\"\"The observations of `series`: the metric's own, or the running total of a flow's.\"\"\"
                if series == METRIC:
                    return observations
                if OBSERVED == "flow" and series == METRIC + "_cumulative":
                    return observations.assign(value=observations["value"].cumsum())
                return None


            observations
            """
    }

    /// Python that records which series each target of a flow metric is compared with
    /// (`cumulative: false`: the flow itself); targets of other metrics need no entry.
    private static func targetSeries(_ scenarios: [(id: String, scenario: Scenario?)]) -> String {
        let entries = scenarios.flatMap { id, scenario -> [String] in
            guard let scenario, scenario.metric.observed == .flow else { return [] }
            let name = scenario.metric.name
            return scenario.targets.map { target in
                "(\(JupyterNotebook.pythonString(id)), \(JupyterNotebook.pythonString(target.label))): "
                    + JupyterNotebook.pythonString(target.cumulative ? name + "_cumulative" : name)
            }
        }
        guard !entries.isEmpty else { return "" }
        return "\nTARGET_SERIES.update({\n" + entries.map { "    \($0),\n" }.joined() + "})"
    }

    /// Markdown-safe text (no HTML, no emphasis by accident).
    private static func markdown(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "*", "_", "`", "[", "]", "#", "\\": out += "\\\(character)"
            default: out.append(character)
            }
        }
        return out
    }

    /// Imports and the helpers every notebook uses.
    static let setupCode = """
        import json
        from pathlib import Path

        import textwrap

        import matplotlib.dates as mdates
        import matplotlib.pyplot as plt
        import pandas as pd

        pd.set_option("display.max_colwidth", 100)
        pd.set_option("display.width", 160)


        def read_forecast(path):
            \"\"\"forecast.csv (hubverse long format); output_type_id is numeric or NA.\"\"\"
            return pd.read_csv(path, parse_dates=["reference_date", "target_end_date"])


        def read_feasibility(path):
            \"\"\"feasibility.csv or summary.csv; labels are kept as written (no NA guessing).\"\"\"
            table = pd.read_csv(path, keep_default_na=False, na_values=[""])
            return table.assign(deadline=pd.to_datetime(table["deadline"]))


        def main_series(forecast):
            \"\"\"The metric's own series (a flow metric also has `<metric>_cumulative`).\"\"\"
            names = list(forecast["target"].unique())
            plain = [name for name in names if not name.endswith("_cumulative")]
            return (plain or names)[0]


        def target_series(forecast):
            \"\"\"The series targets are compared with: the running total of a flow metric, else the metric.\"\"\"
            cumulative = main_series(forecast) + "_cumulative"
            return cumulative if cumulative in set(forecast["target"]) else main_series(forecast)


        # (scenario, target label) → the series the target is compared with, where it is not
        # the default of target_series (a flow metric's target with `cumulative: false`).
        TARGET_SERIES = {}


        def targets_on(series, targets, forecast):
            \"\"\"The rows of `targets` (feasibility rows) compared with `series`.\"\"\"
            default = target_series(forecast)
            keep = [TARGET_SERIES.get((row.scenario, row.target_label), default) == series for row in targets.itertuples()]
            return targets[pd.Series(keep, index=targets.index, dtype=bool)]


        def quantile_table(rows):
            \"\"\"The quantile rows of one variant and series: a row per date, a column per level.\"\"\"
            rows = rows[rows["output_type"] == "quantile"]
            levels = rows["output_type_id"].astype(float).round(4)
            return rows.assign(level=levels).pivot_table(index="target_end_date", columns="level", values="value")


        def draw_fan(ax, rows, title, observations=None, targets=None, legend=True):
            \"\"\"The 50 / 80 / 90 % bands and the median of forecast rows; observations as dots
            (hollow where assumed), targets as crosses at their deadlines.\"\"\"
            table = quantile_table(rows)
            for (low, high), alpha in zip([(0.05, 0.95), (0.1, 0.9), (0.25, 0.75)], [0.15, 0.25, 0.4]):
                if low in table.columns and high in table.columns:
                    ax.fill_between(table.index, table[low], table[high], color="tab:blue", alpha=alpha,
                                    linewidth=0, label=f"{round((high - low) * 100)} %")
            if 0.5 in table.columns:
                ax.plot(table.index, table[0.5], color="tab:blue", linewidth=1.6, label="median")
            if observations is not None and len(observations):
                sourced, assumed = observations[~observations["assumed"]], observations[observations["assumed"]]
                if len(sourced):
                    ax.scatter(sourced["date"], sourced["value"], color="black", s=18, zorder=3, label="observed")
                if len(assumed):
                    ax.scatter(assumed["date"], assumed["value"], facecolors="none", edgecolors="black", s=18,
                               zorder=3, label="assumed")
            if targets is not None and len(targets):
                ax.scatter(targets["deadline"], targets["target_value"], marker="x", color="tab:red", s=40,
                           zorder=4, label="target")
            locator = mdates.AutoDateLocator()
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
            ax.set_title(title, fontsize="medium")
            ax.grid(alpha=0.3)
            if legend:
                ax.legend(fontsize="small", loc="best")
        """
}
