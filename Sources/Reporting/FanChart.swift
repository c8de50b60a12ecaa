import Fitting
import Forecasting
import Foundation
import Scenarios
import TextIO

/// `fan.svg`: the baseline forecast as a fan chart a planner reads at a glance.
///
/// - **Bands**: the median and the central 50 / 80 / 90 % intervals (hub levels 0.25–0.75,
///   0.10–0.90, 0.05–0.95: the levels forecast.csv and feasibility.csv speak of), from the
///   last observation on; the other variants' medians as dashed lines.
/// - **Value axis** (``ValueAxis``): from 0 in 1-2-5 steps with thousands separators; a
///   share's axis in percent (`0 %, 20 % … 100 %`, also for a share kept as a fraction); the
///   top is the first tick at or above everything drawn (data, the 90 % band, medians,
///   targets, ceiling lines).
/// - **Ceiling**: a fixed ceiling, or the top and bottom of a ceiling range, is a labelled
///   dashed line. Rule: a ceiling value up to 1.5 × the highest value otherwise drawn
///   extends the axis to show it (a ceiling that far up still shapes the fan); one beyond is
///   left out (drawing it would squash the fan); a ceiling estimated or given as a prior
///   has no single value and is not drawn, nor is any ceiling of a flow drawn per period
///   (the ceiling bounds its running total).
/// - **Targets**: a diamond at (deadline, value), hollow when assumed, the deadline as a
///   dashed line, and beside it the target's label (shortened with "…" to fit) over
///   "P(met) 0.41 · at risk", the baseline's feasibility row. ``LabelPlacer`` keeps every
///   label inside the canvas and clear of all other text and markers, trying beside the
///   marker, slid up or down, then above or below, shorter if need be; a label that fits
///   nowhere is numbered at its marker and listed in full under the chart.
/// - **Dates** (``position(of:)``): a date is drawn at the middle of its day and a year tick
///   at 1 January, so a 2022-12-31 observation sits at the end of 2022, just left of the
///   2023 tick (the model's time axis counts a date as the end of its day, 2023.0).
///
/// ``layout(scenario:forecasts:assumptions:)`` computes all of it, text boxes included;
/// ``svg(scenario:forecasts:assumptions:reusing:)`` writes that layout. Plain SVG 1.1, no
/// scripts, coordinates with two decimals (``SVGMarkup``), so the file is byte-identical
/// across runs. A flow metric with cumulative targets is drawn as its running total
/// (observed and forecast), the quantity those targets are compared with.
public enum FanChart {
    static let width = 860.0, baseHeight = 480.0
    static let right = 30.0, plotTop = 52.0, plotBottom = 400.0
    static let text = ChartFont(size: 12), titleFont = ChartFont(size: 15, bold: true)
    static let labelFont = ChartFont(size: 11), chanceFont = ChartFont(size: 11, bold: true)
    /// The bands, widest first: coverage, lower and upper quantile level, fill opacity.
    static let bands: [(coverage: Double, low: Double, high: Double, opacity: Double)] = [
        (0.90, 0.05, 0.95, 0.18), (0.80, 0.10, 0.90, 0.28), (0.50, 0.25, 0.75, 0.42),
    ]
    public static let bandLegend = "50 / 80 / 90 % bands"
    /// A ceiling up to this multiple of the highest value otherwise drawn extends the axis.
    public static let ceilingReach = 1.5
    static let variantColours = ["#d62728", "#2ca02c", "#9467bd", "#8c564b"]
    static let targetColour = "#e67e22", targetText = "#a04000"

    /// The chart, written into `buffer`'s storage (emptied first).
    public static func svg(scenario: Scenario, forecasts: [VariantForecast], assumptions: [Assumption],
                           reusing buffer: TextBuffer = TextBuffer()) -> TextBuffer {
        var svg = buffer
        svg.removeAll()
        render(layout(scenario: scenario, forecasts: forecasts, assumptions: assumptions), into: &svg)
        return svg
    }

    /// Where a date is drawn, in years: the middle of the day (2022-12-31 is 2022.9986,
    /// 2023-01-01 is 2023.0014; the tick of 2023 is at 2023.0).
    public static func position(of date: CalendarDate) -> Double {
        Double(date.year) + (Double(date.dayOfYear) - 0.5) / Double(CalendarDate.isLeap(date.year) ? 366 : 365)
    }

    /// Everything the chart draws, placed.
    public static func layout(scenario: Scenario, forecasts: [VariantForecast], assumptions: [Assumption]) -> FanChartLayout {
        let heading = scenario.title ?? scenario.id
        guard let baseline = forecasts.first, let lastGridDate = baseline.grid.dates.last else {
            var empty = FanChartLayout(width: width, height: 60, plot: ChartRect(x: 0, y: 0, width: 0, height: 0), title: heading)
            empty.texts = [ChartText(text.shortened("\(scenario.id): no forecast", toWidth: width - 20), x: 10, y: 30, role: .title)]
            return empty
        }
        // A flow whose targets are totals is drawn as its running total: the chart shows what
        // each target is compared with.
        let showsTotal = baseline.cumulative != nil && scenario.targets.contains(where: \.cumulative)
        func shown(_ forecast: VariantForecast) -> (quantiles: [[Double]], median: [Double]) {
            if showsTotal, let total = forecast.cumulative { return (total.quantiles, total.median) }
            return (forecast.quantiles, forecast.median)
        }
        func quantile(_ level: Double) -> [Double]? {
            guard let l = baseline.levels.firstIndex(where: { abs($0 - level) < 1e-9 }) else { return nil }
            return shown(baseline).quantiles.map { $0[l] }
        }
        var runningTotal = 0.0
        let observed: [(date: CalendarDate, value: Double, assumed: Bool)] = scenario.observations.map { o in
            runningTotal += o.value
            return (o.date, showsTotal ? runningTotal : o.value, o.assumed)
        }

        // The value axis: everything drawn, and a ceiling within reach.
        let number = ChartNumber(scenario.metric.kind)
        var drawn = observed.map(\.value) + scenario.targets.map(\.value) + forecasts.flatMap { shown($0).median }
        drawn += bands.flatMap { quantile($0.high) ?? [] }
        let dataTop = drawn.filter(\.isFinite).max() ?? 0
        let drawsLevel = scenario.metric.observed == .level || showsTotal
        let ceilingValues = drawsLevel ? ceilings(scenario.metric, number) : []
        let reachable = ceilingValues.map(\.value).filter { $0 <= ceilingReach * dataTop }
        let axis = ValueAxis(highest: max(dataTop, reachable.max() ?? 0), number: number,
                             minimumStep: scenario.metric.kind == .count ? 1 : 0)
        let left = max(56, ((axis.labels.map { text.width(of: $0) }.max() ?? 0) + 16).rounded(.up))
        let plot = ChartRect(x: left, y: plotTop, width: width - right - left, height: plotBottom - plotTop)

        // The time axis: every date drawn, a little room either side.
        let reference = baseline.grid.referenceDate
        let dates = observed.map(\.date) + scenario.targets.map(\.by) + [reference, lastGridDate] + (scenario.launch.map { [$0] } ?? [])
        let first = dates.map(position).min()!, last = dates.map(position).max()!
        let pad = max(0.02 * (last - first), 0.05)
        let startTime = first - pad, endTime = last + pad
        func x(_ t: Double) -> Double { plot.minX + (t - startTime) / (endTime - startTime) * plot.width }
        func x(_ date: CalendarDate) -> Double { x(position(of: date)) }
        func y(_ v: Double) -> Double { plot.maxY - min(max(v, 0), axis.top) / axis.top * plot.height }
        func point(_ date: CalendarDate, _ value: Double) -> FanChartLayout.ChartPoint { .init(x: x(date), y: y(value)) }

        var layout = FanChartLayout(width: width, height: baseHeight, plot: plot, title: heading)
        var texts: [ChartText] = []
        texts.append(ChartText(titleFont.shortened(heading, toWidth: width - left - 8), x: left, y: 24, font: titleFont, role: .title))
        let subtitle = "\(scenario.metric.name)\(showsTotal ? " (running total)" : ""), baseline forecast from \(reference): median and \(bandLegend)"
        texts.append(ChartText(text.shortened(subtitle, toWidth: width - left - 8), x: left, y: 40, fill: "#555", role: .subtitle))
        layout.yearTicks = YearTicks.years(from: startTime, to: endTime, maxTicks: Int(plot.width / 60))
            .map { .init(year: $0, x: x(Double($0))) }
        for tick in layout.yearTicks {
            texts.append(ChartText(String(tick.year), x: tick.x, y: plot.maxY + 20, anchor: .middle, role: .yearTick))
        }
        layout.valueTicks = zip(axis.ticks, axis.labels).map { .init(value: $0, y: y($0), label: $1) }
        for tick in layout.valueTicks {
            texts.append(ChartText(tick.label, x: left - 8, y: tick.y + 4, anchor: .end, role: .valueTick))
        }

        // The fan, from the reference point (the last observation) on.
        let anchor = observed.last.map { [point(reference, $0.value)] } ?? []
        for band in bands {
            guard let low = quantile(band.low), let high = quantile(band.high) else { continue }
            let outline = anchor + zip(baseline.grid.dates, high).map(point) + zip(baseline.grid.dates, low).reversed().map(point)
            layout.bands.append(.init(coverage: band.coverage, opacity: band.opacity, outline: outline))
        }
        layout.median = anchor + zip(baseline.grid.dates, shown(baseline).median).map(point)
        for (index, forecast) in forecasts.dropFirst().enumerated() {
            let colour = variantColours[index % variantColours.count]
            layout.variantMedians.append(.init(variant: forecast.variant, colour: colour,
                                               points: anchor + zip(forecast.grid.dates, shown(forecast).median).map(point)))
            texts.append(ChartText(text.shortened("variant \(forecast.variant) (median)", toWidth: plot.width / 2),
                                   x: plot.maxX - 4, y: plot.minY + 14 + 14 * Double(index), anchor: .end, fill: colour, role: .variant))
        }
        layout.observations = observed.map { .init(x: x($0.date), y: y($0.value), assumed: $0.assumed) }
        layout.launchX = scenario.launch.map(x)
        layout.ceilings = ceilingValues.filter { $0.value <= axis.top * (1 + 1e-9) }
            .map { .init(value: $0.value, y: y($0.value), label: $0.label) }
        let rows = scenario.targets.map { feasibility(of: $0, in: baseline) }
        layout.targets = zip(scenario.targets, rows).map { target, row in
            .init(x: x(target.by), y: y(target.value), assumed: target.assumed, number: nil, leader: [],
                  description: "\(target.label)\(target.assumed ? " (assumed)" : "") — \(chance(row, assumed: false))")
        }
        texts += legend(&layout, assumptions: assumptions, source: scenario.source)
        layout.texts = texts
        placeLabels(&layout, targets: scenario.targets, feasibility: rows)
        return layout
    }

    /// The ceiling values a metric states, each with its label.
    static func ceilings(_ metric: Metric, _ number: ChartNumber) -> [(value: Double, label: String)] {
        let assumed = metric.ceilingAssumed ? " (assumed)" : ""
        switch metric.ceiling {
        case let .fixed(value):
            return [(value, "ceiling \(number.text(value))\(assumed)")]
        case let .range(low, high) where low == high:
            return [(high, "ceiling \(number.text(high))\(assumed)")]
        case let .range(low, high):
            return [(high, "ceiling range, top: \(number.text(high))\(assumed)"),
                    (low, "ceiling range, bottom: \(number.text(low))\(assumed)")]
        case .estimated, .prior:
            return []
        }
    }

    /// The baseline's feasibility row for a target of the scenario.
    static func feasibility(of target: ScenarioTarget, in baseline: VariantForecast) -> TargetFeasibility? {
        baseline.feasibility.first {
            $0.target.label == target.label && $0.target.value == target.value && $0.target.deadline == target.by
        }
    }

    /// "P(met) 0.41 · at risk": two decimals, and "> 0.99" / "< 0.01" for a chance that is
    /// neither certain nor impossible but would round to it.
    static func chance(_ row: TargetFeasibility?, assumed: Bool) -> String {
        guard let row else { return "P(met) not computed" }
        let p = row.pMeet
        let value = p >= 0.995 && p < 1 ? "> 0.99" : p > 0 && p < 0.005 ? "< 0.01" : ChartNumber.grouped(p, decimals: 2)
        let verdict = switch row.verdict {
        case .onTrack: "on track"
        case .atRisk: "at risk"
        case .offTrack: "off track"
        case .met: "met in the data"
        case .missed: "missed"
        }
        return "P(met) \(value) · \(verdict)\(assumed ? " · target assumed" : "")"
    }

    static func verdictColour(_ row: TargetFeasibility?) -> String {
        switch row?.verdict {
        case .onTrack?, .met?: "#1e7b34"
        case .atRisk?: "#9a6700"
        case .offTrack?, .missed?: "#b03a2e"
        case nil: "#555"
        }
    }

    /// The legend row (symbols and their words), the assumptions count and the source, under
    /// the plot.
    static func legend(_ layout: inout FanChartLayout, assumptions: [Assumption], source: String?) -> [ChartText] {
        let plot = layout.plot
        var items: [(FanChartLayout.LegendKey.Symbol, Double, String)] = [
            (.observation, 8, "observation"), (.target, 12, "target"), (.assumed, 8, "assumed"),
            (.median, 16, "median"), (.bands, 21, bandLegend),
        ]
        if !layout.ceilings.isEmpty { items.append((.ceiling, 18, "ceiling")) }
        if !layout.targets.isEmpty { items.append((.deadline, 6, "deadline")) }
        var texts: [ChartText] = []
        var cursor = plot.minX
        let baselineY = plot.maxY + 38
        for (symbol, symbolWidth, words) in items {
            layout.legendKeys.append(.init(symbol: symbol, x: cursor, y: baselineY - 4))
            let label = ChartText(words, x: cursor + symbolWidth + 4, y: baselineY, fill: "#555", role: .legend)
            texts.append(label)
            cursor = label.box.maxX + 14
        }
        let footer = assumptions.isEmpty
            ? "All inputs from the cited source."
            : "\(assumptions.count) assumption\(assumptions.count == 1 ? "" : "s") not in the source (hollow markers; listed in run.json)."
        let room = width - plot.minX - 8
        texts.append(ChartText(text.shortened(footer, toWidth: room), x: plot.minX, y: plot.maxY + 54, fill: "#555", role: .footer))
        texts.append(ChartText(text.shortened("Source: \(source ?? "not given")", toWidth: room), x: plot.minX, y: plot.maxY + 70,
                               fill: "#555", role: .footer))
        return texts
    }
}
