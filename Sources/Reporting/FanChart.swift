import Fitting
import Forecasting
import Foundation
import Scenarios
import TextIO

/// `fan.svg`: the baseline forecast as a fan chart — observations, the median, the 50 / 80 /
/// 95 % bands, each target as a marker with its deadline as a dashed line, the other
/// variants' medians as dashed lines. Assumed inputs are drawn hollow and labelled
/// "(assumed)"; the footer counts them. A flow metric with cumulative targets is drawn as
/// its running total (observed and forecast), the quantity those targets are compared with.
/// Plain SVG 1.1, no scripts, fixed number formatting (``SVGMarkup``: coordinates with two
/// decimals, axis labels as `%.0f`/`%.1f`/`%.3g` would write them) so the file is
/// byte-identical across runs.
public enum FanChart {
    static let width = 860.0, height = 480.0
    static let left = 70.0, right = 30.0, marginTop = 50.0, bottom = 80.0

    /// The chart, written into `buffer`'s storage (emptied first).
    public static func svg(scenario: Scenario, forecasts: [VariantForecast], assumptions: [Assumption],
                           reusing buffer: TextBuffer = TextBuffer()) -> TextBuffer {
        var svg = buffer
        svg.removeAll()
        guard let baseline = forecasts.first, !baseline.grid.dates.isEmpty else {
            svg.append(emptyChart(scenario))
            return svg
        }
        // A flow whose targets are totals is drawn as its running total: the chart shows what
        // each target is compared with.
        let showsTotal = baseline.cumulative != nil && scenario.targets.contains(where: \.cumulative)
        func shown(_ forecast: VariantForecast) -> (quantiles: [[Double]], median: [Double]) {
            if showsTotal, let total = forecast.cumulative { return (total.quantiles, total.median) }
            return (forecast.quantiles, forecast.median)
        }
        let levels = baseline.levels
        func band(_ level: Double) -> [Double]? {
            guard let l = levels.firstIndex(where: { abs($0 - level) < 1e-9 }) else { return nil }
            return shown(baseline).quantiles.map { $0[l] }
        }
        var runningTotal = 0.0
        let observed: [(time: Double, value: Double, assumed: Bool)] = scenario.observations.map { o in
            runningTotal += o.value
            return (o.date.decimalYear, showsTotal ? runningTotal : o.value, o.assumed)
        }
        let reference = baseline.grid.referenceDate.decimalYear
        let gridTimes = baseline.grid.times
        let observationTimes = scenario.observations.map(\.date.decimalYear)
        let startTime = min(observationTimes.first ?? reference, scenario.launch?.decimalYear ?? reference, reference)
        let endTime = max(gridTimes.last ?? reference, scenario.targets.map(\.by.decimalYear).max() ?? reference)
        let values = observed.map(\.value) + scenario.targets.map(\.value)
            + (band(0.975) ?? []) + shown(baseline).median
        var valueTop = max(values.filter(\.isFinite).max() ?? 1, 1e-9) * 1.08
        if let bound = scenario.metric.kind.bound { valueTop = min(valueTop, bound * 1.02) }

        let plotWidth = width - left - right, plotHeight = height - marginTop - bottom
        func x(_ t: Double) -> Double { left + (t - startTime) / max(endTime - startTime, 1e-9) * plotWidth }
        func y(_ v: Double) -> Double { marginTop + plotHeight - min(max(v, 0), valueTop) / valueTop * plotHeight }

        svg.append("""
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="sans-serif" font-size="12">
        <title>\(scenario.title ?? scenario.id)</title>
        <rect x="0" y="0" width="\(width)" height="\(height)" fill="white"/>
        <text x="\(left)" y="24" font-size="15" font-weight="bold">\(scenario.title ?? scenario.id)</text>
        <text x="\(left)" y="40" fill="#555">\(scenario.metric.name)\(showsTotal ? " (running total)" : ""), baseline forecast from \(baseline.grid.referenceDate.description): median and 50 / 80 / 95 % bands</text>

        """ as SVGMarkup)
        // Axes, year ticks and value ticks.
        svg.append("<line x1=\"\(left)\" y1=\"\(marginTop + plotHeight)\" x2=\"\(left + plotWidth)\" y2=\"\(marginTop + plotHeight)\" stroke=\"#333\"/>\n" as SVGMarkup)
        svg.append("<line x1=\"\(left)\" y1=\"\(marginTop)\" x2=\"\(left)\" y2=\"\(marginTop + plotHeight)\" stroke=\"#333\"/>\n" as SVGMarkup)
        let firstYear = Int(startTime.rounded(.up)), lastYear = Int(endTime.rounded(.down))
        let yearStep = max(1, (lastYear - firstYear) / 10 + 1)
        for year in Swift.stride(from: firstYear, through: lastYear, by: yearStep) {
            let px = x(Double(year))
            svg.append("<line x1=\"\(px)\" y1=\"\(marginTop + plotHeight)\" x2=\"\(px)\" y2=\"\(marginTop + plotHeight + 5)\" stroke=\"#333\"/>" as SVGMarkup)
            svg.append("<text x=\"\(px)\" y=\"\(marginTop + plotHeight + 18)\" text-anchor=\"middle\">\(year)</text>\n" as SVGMarkup)
        }
        for k in 0...4 {
            let v = valueTop * Double(k) / 4
            svg.append("<line x1=\"\(left - 5)\" y1=\"\(y(v))\" x2=\"\(left + plotWidth)\" y2=\"\(y(v))\" stroke=\"#eee\"/>" as SVGMarkup)
            svg.append("<text x=\"\(left - 8)\" y=\"\(y(v) + 4)\" text-anchor=\"end\">\(label: v)</text>\n" as SVGMarkup)
        }

        // Bands from the reference point (the last observation) onwards.
        let anchorValue = observed.last?.value
        for (lo, hi, opacity) in [(0.025, 0.975, 0.18), (0.10, 0.90, 0.28), (0.25, 0.75, 0.42)] {
            guard let low = band(lo), let high = band(hi) else { continue }
            var points: [(Double, Double)] = []
            if let anchorValue { points.append((x(reference), y(anchorValue))) }
            points += zip(gridTimes, high).map { (x($0), y($1)) }
            points += zip(gridTimes, low).reversed().map { (x($0), y($1)) }
            svg.append("<polygon fill=\"#1f77b4\" fill-opacity=\"\(opacity)\" stroke=\"none\" points=\"\(points: points)\"/>\n" as SVGMarkup)
        }
        var medianPoints = anchorValue.map { [(x(reference), y($0))] } ?? []
        medianPoints += zip(gridTimes, shown(baseline).median).map { (x($0), y($1)) }
        svg.append("<polyline fill=\"none\" stroke=\"#1f4e79\" stroke-width=\"2\" points=\"\(points: medianPoints)\"/>\n" as SVGMarkup)
        let variantColours = ["#d62728", "#2ca02c", "#9467bd", "#8c564b"]
        for (index, forecast) in forecasts.dropFirst().enumerated() {
            let colour = variantColours[index % variantColours.count]
            let points = zip(forecast.grid.times, shown(forecast).median).map { (x($0), y($1)) }
            svg.append("<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\" points=\"\(points: points)\"/>\n" as SVGMarkup)
            svg.append("<text x=\"\(left + plotWidth - 4)\" y=\"\(marginTop + 14 + 14 * Double(index))\" text-anchor=\"end\" fill=\"\(colour)\">variant \(forecast.variant) (median)</text>\n" as SVGMarkup)
        }

        // Observations: filled dots, hollow when assumed.
        for observation in observed {
            let fill = observation.assumed ? "white" : "#111"
            svg.append("<circle cx=\"\(x(observation.time))\" cy=\"\(y(observation.value))\" r=\"4\" fill=\"\(fill)\" stroke=\"#111\"/>\n" as SVGMarkup)
        }
        if let launch = scenario.launch {
            svg.append("<text x=\"\(x(launch.decimalYear))\" y=\"\(marginTop + plotHeight - 6)\" fill=\"#555\">launch</text>\n" as SVGMarkup)
        }
        // Targets: a diamond at (deadline, value) and the deadline as a dashed line.
        var targetIndex = 0
        for target in scenario.targets {
            let px = x(target.by.decimalYear), py = y(target.value)
            svg.append("<line x1=\"\(px)\" y1=\"\(marginTop)\" x2=\"\(px)\" y2=\"\(marginTop + plotHeight)\" stroke=\"#e67e22\" stroke-dasharray=\"4 4\"/>\n" as SVGMarkup)
            let fill = target.assumed ? "white" : "#e67e22"
            svg.append("<polygon points=\"\(px),\(py - 7) \(px + 7),\(py) \(px),\(py + 7) \(px - 7),\(py)\" fill=\"\(fill)\" stroke=\"#e67e22\" stroke-width=\"2\"/>\n" as SVGMarkup)
            let text = "\(target.label)\(target.assumed ? " (assumed)" : "")"
            // Labels sit left of their marker unless that would run off the plot (≈ 6.5 px
            // per character at 12 px); then to the right. Successive labels step down.
            let fitsLeft = px - 10 - 6.5 * Double(text.count) >= 0
            let labelY = py - 10 + 14 * Double(targetIndex)
            svg.append("<text x=\"\(fitsLeft ? px - 10 : px + 10)\" y=\"\(labelY)\" text-anchor=\"\(fitsLeft ? "end" : "start")\" fill=\"#a04000\">\(text)</text>\n" as SVGMarkup)
            targetIndex += 1
        }
        let footer = assumptions.isEmpty
            ? "All inputs from the cited source."
            : "\(assumptions.count) assumption\(assumptions.count == 1 ? "" : "s") not in the source (hollow markers; listed in run.json)."
        svg.append("<text x=\"\(left)\" y=\"\(height - 46)\" fill=\"#555\">● observation  ◇ target  ○ assumed  ▮ 50 / 80 / 95 % bands</text>\n" as SVGMarkup)
        svg.append("<text x=\"\(left)\" y=\"\(height - 30)\" fill=\"#555\">\(footer)</text>\n" as SVGMarkup)
        svg.append("<text x=\"\(left)\" y=\"\(height - 14)\" fill=\"#555\">Source: \(shortened(scenario.source ?? "not given", 110))</text>\n" as SVGMarkup)
        svg.append("</svg>\n" as SVGMarkup)
        return svg
    }

    private static func emptyChart(_ scenario: Scenario) -> SVGMarkup {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"60\"><text x=\"10\" y=\"30\">\(scenario.id): no forecast</text></svg>\n"
    }

    static func shortened(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}
