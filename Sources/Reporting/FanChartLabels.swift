import TextIO
import TextIO
import Forecasting
import Scenarios

extension FanChart {
    /// Padding inside a label block, around its text; baseline-to-baseline distance of its
    /// two lines (≥ the 11 px font's ascent + descent, 12.8 px, so the lines' boxes are apart).
    static let labelPadding = 2.0, labelLineGap = 13.0

    /// Places each target's label block (its label over its P(met)), then the ceiling labels
    /// and "launch", with ``LabelPlacer``: inside the plot's height and the canvas's width,
    /// clear of every text already there and of every target marker, preferring spots that
    /// cover no observation and not the median line. A target whose label fits nowhere, even
    /// shortened to 40 % of the longest label allowed, gets a number at its marker and a line
    /// in the list under the chart (the canvas grows by a line for each). A block slid away
    /// from its marker is tied to it by a leader line.
    static func placeLabels(_ layout: inout FanChartLayout, targets: [ScenarioTarget], feasibility: [TargetFeasibility?]) {
        let plot = layout.plot
        let markers = layout.targets.map { ChartRect(centre: ($0.x, $0.y), width: 18, height: 18) }
        var avoided = layout.observations.map { ChartRect(centre: ($0.x, $0.y), width: 9, height: 9) }
        for (a, b) in zip(layout.median, layout.median.dropFirst()) {
            let steps = max(1, Int((abs(b.x - a.x) + abs(b.y - a.y)) / 6))
            for k in 0..<steps {
                let f = Double(k) / Double(steps)
                avoided.append(ChartRect(centre: (a.x + f * (b.x - a.x), a.y + f * (b.y - a.y)), width: 4, height: 4))
            }
        }
        let region = ChartRect(x: plot.minX + 2, y: plot.minY, width: layout.width - 4 - (plot.minX + 2), height: plot.height - 2)
        var placer = LabelPlacer(region: region, occupied: layout.texts.map(\.box) + markers, avoided: avoided)

        var listed: [String] = []
        let lineHeight = labelFont.ascent + labelFont.descent
        let longest = min(380, plot.width / 2)
        for (index, target) in targets.enumerated() {
            let row = feasibility[index], marker = markers[index]
            let chanceText = chance(row, assumed: target.assumed)
            let chanceWidth = chanceFont.width(of: chanceText)
            var best: (spot: LabelPlacer.Candidate, label: String)?
            for (attempt, fraction) in [1.0, 0.65, 0.4].enumerated() {
                let label = labelFont.shortened(target.label, toWidth: longest * fraction)
                let w = max(labelFont.width(of: label), chanceWidth) + 2 * labelPadding
                let h = labelFont.ascent + labelLineGap + labelFont.descent + 2 * labelPadding
                let candidates = LabelPlacer.around(marker, width: w, height: h).map {
                    LabelPlacer.Candidate(box: $0.box, cost: $0.cost + 40 * Double(attempt))
                }
                if let spot = placer.best(candidates), best == nil || spot.cost < best!.spot.cost { best = (spot, label) }
            }
            if let (spot, label) = best {
                placer.occupy(spot.box)
                let onLeft = spot.box.maxX <= marker.minX
                let x = onLeft ? spot.box.maxX - labelPadding : spot.box.minX + labelPadding
                let baseline = spot.box.minY + labelPadding + labelFont.ascent
                layout.texts.append(ChartText(label, x: x, y: baseline, anchor: onLeft ? .end : .start, font: labelFont,
                                              fill: targetText, role: .targetLabel, backdrop: true))
                layout.texts.append(ChartText(chanceText, x: x, y: baseline + labelLineGap, anchor: onLeft ? .end : .start,
                                              font: chanceFont, fill: verdictColour(row), role: .targetChance, backdrop: true))
                layout.targets[index].leader = leader(from: marker, to: spot.box)
                continue
            }
            // Nowhere to go: a number at the marker, the label in the list under the chart.
            let number = listed.count + 1
            let numberText = String(number)
            let w = chanceFont.width(of: numberText)
            let spot = placer.best(LabelPlacer.around(marker, width: w, height: lineHeight, gap: 1, reachY: 30))
                ?? .init(box: ChartRect(x: marker.maxX + 1, y: marker.midY - lineHeight / 2, width: w, height: lineHeight), cost: 0)
            placer.occupy(spot.box)
            layout.texts.append(ChartText(numberText, x: spot.box.minX, y: spot.box.minY + chanceFont.ascent, font: chanceFont,
                                          fill: targetText, role: .targetNumber, backdrop: true))
            layout.targets[index].number = number
            listed.append("\(number)  \(target.label) — \(chanceText)")
        }
        // A ceiling's label sits on its line, at the right end if it can, sliding left.
        for ceiling in layout.ceilings {
            let w = labelFont.width(of: ceiling.label)
            var candidates: [LabelPlacer.Candidate] = []
            var left = plot.maxX - 4 - w, slide = 0.0
            while left >= plot.minX + 4 {
                candidates.append(.init(box: ChartRect(x: left, y: ceiling.y - 2 - lineHeight, width: w, height: lineHeight), cost: slide))
                candidates.append(.init(box: ChartRect(x: left, y: ceiling.y + 2, width: w, height: lineHeight), cost: slide + 1))
                left -= 12
                slide += 2
            }
            guard let spot = placer.best(candidates) else { continue }
            placer.occupy(spot.box)
            layout.texts.append(ChartText(ceiling.label, x: spot.box.minX, y: spot.box.minY + labelFont.ascent, font: labelFont,
                                          fill: "#444", role: .ceiling, backdrop: true))
        }

        // "launch" at the foot of its tick, beside it, or slid up clear of the curve.
        if let launchX = layout.launchX {
            let w = text.width(of: "launch"), h = text.ascent + text.descent
            var candidates: [LabelPlacer.Candidate] = []
            for rise in Swift.stride(from: 0.0, through: 60, by: 4) {
                let y = plot.maxY - 3 - h - rise
                candidates.append(.init(box: ChartRect(x: launchX + 3, y: y, width: w, height: h), cost: rise))
                candidates.append(.init(box: ChartRect(x: launchX - 3 - w, y: y, width: w, height: h), cost: rise + 1))
            }
            let spot = placer.best(candidates)
                ?? .init(box: ChartRect(x: max(launchX + 3, region.minX), y: plot.maxY - 3 - h, width: w, height: h), cost: 0)
            placer.occupy(spot.box)
            layout.texts.append(ChartText("launch", x: spot.box.minX, y: spot.box.minY + text.ascent, fill: "#555", role: .launch))
        }
        for (k, entry) in listed.enumerated() {
            layout.texts.append(ChartText(text.shortened(entry, toWidth: layout.width - plot.minX - 8), x: plot.minX,
                                          y: baseHeight + 6 + 16 * Double(k), fill: targetText, role: .targetListEntry))
        }
        layout.height = baseHeight + 16 * Double(listed.count)
    }

    /// A line from the marker's edge to the nearest point of its label block, when the block
    /// is not right beside the marker; nil otherwise.
    static func leader(from marker: ChartRect, to block: ChartRect) -> [FanChartLayout.ChartPoint] {
        let c = (x: marker.midX, y: marker.midY)
        let p = (x: min(max(c.x, block.minX), block.maxX), y: min(max(c.y, block.minY), block.maxY))
        let d = ((p.x - c.x) * (p.x - c.x) + (p.y - c.y) * (p.y - c.y)).squareRoot()
        guard d > marker.width / 2 + 6 else { return [] }
        let start = marker.width / 2
        return [.init(x: c.x + (p.x - c.x) / d * start, y: c.y + (p.y - c.y) / d * start), .init(x: p.x, y: p.y)]
    }
}
