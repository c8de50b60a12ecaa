import Fitting
import Forecasting
import Foundation
import TextIO

/// `tornado.svg` (issue 12): per target, one horizontal bar per input of a
/// ``SensitivityAnalysis``, largest swing first, spanning P(met) at the input's low and high
/// settings around the baseline P(met) (a dashed line): the part from the baseline to the low
/// setting's P(met) in blue, to the high setting's in orange; a family input (each family
/// forced alone) in grey from its lowest to its highest P(met). Each label says what moved,
/// and between which values. Plain SVG 1.1, fixed number formatting (``SVGMarkup``), so the
/// file is byte-identical across runs.
public enum TornadoChart {
    static let width = 860.0, labelWidth = 330.0, right = 90.0, rowHeight = 24.0
    static let lowColour = "#1f77b4", highColour = "#ff7f0e", familyColour = "#888888"

    public static func svg(scenario: String, title: String?, _ analysis: SensitivityAnalysis) -> TextBuffer {
        let targets = analysis.targets
        let blocks = targets.map { analysis.bars(target: $0) }
        let blockHeights = blocks.map { 58 + Double(max($0.count, 1)) * rowHeight }
        let height = 60 + blockHeights.reduce(0, +) + 40
        let plotLeft = labelWidth + 10, plotWidth = width - plotLeft - right
        func x(_ p: Double) -> Double { plotLeft + min(max(p, 0), 1) * plotWidth }

        var svg = TextBuffer()
        let heading = title ?? scenario
        svg.append("""
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="sans-serif" font-size="12">
        <title>\(heading): what P(met) depends on</title>
        <rect x="0" y="0" width="\(width)" height="\(height)" fill="white"/>
        <text x="20" y="24" font-size="15" font-weight="bold">\(heading)</text>
        <text x="20" y="42" fill="#555">P(met) as each input moves over its range, the others at baseline; the same seed and paths in every run</text>

        """ as SVGMarkup)
        var top = 60.0
        for (target, bars) in zip(targets, blocks) {
            let base = analysis.baseline(target: target)
            let baseText = base.map { String(format: "%.3f", $0) } ?? "—"
            svg.append("<text x=\"20\" y=\"\(top + 16)\" font-weight=\"bold\">\(target.label): baseline P(met) \(baseText)</text>\n" as SVGMarkup)
            let rowsTop = top + 26
            let rows = analysis.rows(target: target)
            for (index, bar) in bars.enumerated() {
                let y = rowsTop + Double(index) * rowHeight
                let label = "\(name(bar.input)) (\(settings(bar.input, rows)))"
                svg.append("<text x=\"\(labelWidth)\" y=\"\(y + 15)\" text-anchor=\"end\">\(label)</text>\n" as SVGMarkup)
                if bar.input == .family || base == nil {
                    rect(&svg, x(bar.lowest), x(bar.highest), y, familyColour)
                } else if let base {
                    // The segment farther from the baseline first, so one on the same side shows over it.
                    let segments = [(bar.low, lowColour), (bar.high, highColour)].compactMap { p, colour in p.map { ($0, colour) } }
                    for (p, colour) in segments.sorted(by: { abs($0.0 - base) > abs($1.0 - base) }) {
                        rect(&svg, x(min(base, p)), x(max(base, p)), y, colour)
                    }
                }
                let range = "\(String(format: "%.2f", bar.lowest))–\(String(format: "%.2f", bar.highest))"
                svg.append("<text x=\"\(x(bar.highest) + 6)\" y=\"\(y + 15)\" fill=\"#555\">\(range)</text>\n" as SVGMarkup)
            }
            let axisY = rowsTop + Double(max(bars.count, 1)) * rowHeight + 4
            if let base {
                svg.append("<line x1=\"\(x(base))\" y1=\"\(rowsTop - 2)\" x2=\"\(x(base))\" y2=\"\(axisY)\" stroke=\"#111\" stroke-dasharray=\"4 3\"/>\n" as SVGMarkup)
            }
            svg.append("<line x1=\"\(plotLeft)\" y1=\"\(axisY)\" x2=\"\(plotLeft + plotWidth)\" y2=\"\(axisY)\" stroke=\"#333\"/>\n" as SVGMarkup)
            for k in 0...5 {
                let p = Double(k) / 5
                svg.append("<line x1=\"\(x(p))\" y1=\"\(axisY)\" x2=\"\(x(p))\" y2=\"\(axisY + 4)\" stroke=\"#333\"/>" as SVGMarkup)
                svg.append("<text x=\"\(x(p))\" y=\"\(axisY + 16)\" text-anchor=\"middle\">\(label: p)</text>\n" as SVGMarkup)
            }
            top += 58 + Double(max(bars.count, 1)) * rowHeight
        }
        svg.append("""
        <rect x="20" y="\(height - 30)" width="12" height="10" fill="\(lowColour)"/><text x="38" y="\(height - 21)">low setting</text>
        <rect x="130" y="\(height - 30)" width="12" height="10" fill="\(highColour)"/><text x="148" y="\(height - 21)">high setting</text>
        <rect x="245" y="\(height - 30)" width="12" height="10" fill="\(familyColour)"/><text x="263" y="\(height - 21)">each family forced alone</text>
        <text x="440" y="\(height - 21)" fill="#555">dashed: baseline P(met); x axis: P(met)</text>
        </svg>

        """ as SVGMarkup)
        return svg
    }

    private static func rect(_ svg: inout TextBuffer, _ x0: Double, _ x1: Double, _ y: Double, _ colour: String) {
        svg.append("<rect x=\"\(x0)\" y=\"\(y + 4)\" width=\"\(max(x1 - x0, 1))\" height=\"\(rowHeight - 8)\" fill=\"\(colour)\"/>\n" as SVGMarkup)
    }

    /// The input in words.
    static func name(_ input: SensitivityAnalysis.Input) -> String {
        switch input {
        case .baseline: "baseline"
        case .ceiling: "ceiling"
        case .growthRate: "growth rate"
        case .timing: "timing"
        case .noise: "noise"
        case .family: "family"
        case let .variant(id, lever): "\(id): \(lever.rawValue.replacingOccurrences(of: "_", with: " "))"
        }
    }

    /// The settings an input moved between, e.g. `×0.8 → ×1.25`, `a year later → earlier`.
    static func settings(_ input: SensitivityAnalysis.Input, _ rows: [SensitivityAnalysis.Row]) -> String {
        let mine = rows.filter { $0.input == input }
        if input == .family {
            return mine.map { SensitivityTable.name($0.setting) }.joined(separator: ", ")
        }
        if input == .timing { return "a year later → a year earlier" }
        let low = mine.first { $0.setting == .low }?.value, high = mine.first { $0.setting == .high }?.value
        let prefix: String = switch input {
        case .growthRate, .noise, .variant(_, .growthMultiplier), .variant(_, .ceilingMultiplier): "×"
        default: ""
        }
        func shown(_ v: Double?) -> String { v.map { prefix + SeekTable.plain(OutputNumber.rounded(significant: 4, $0)) } ?? "—" }
        return "\(shown(low)) → \(shown(high))"
    }
}
