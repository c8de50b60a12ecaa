import TextIO

extension FanChart {
    /// Writes a layout as SVG: the plot's lines and shapes, then every text of
    /// ``FanChartLayout/texts`` (each on its backdrop where it has one), nothing else.
    static func render(_ layout: FanChartLayout, into svg: inout TextBuffer) {
        let plot = layout.plot
        svg.append("""
        <svg xmlns="http://www.w3.org/2000/svg" width="\(layout.width)" height="\(layout.height)" viewBox="0 0 \(layout.width) \(layout.height)" font-family="sans-serif" font-size="12">
        <title>\(layout.title)</title>
        <rect x="0" y="0" width="\(layout.width)" height="\(layout.height)" fill="white"/>

        """ as SVGMarkup)
        if plot.width > 0 {
            renderPlot(layout, into: &svg)
            renderLegendKeys(layout, into: &svg)
        }
        for text in layout.texts where text.backdrop {
            let box = text.box.insetBy(-1.5)
            svg.append("<rect x=\"\(box.x)\" y=\"\(box.y)\" width=\"\(box.width)\" height=\"\(box.height)\" fill=\"white\" fill-opacity=\"0.8\"/>\n" as SVGMarkup)
        }
        for text in layout.texts {
            svg.append("<text x=\"\(text.x)\" y=\"\(text.y)\"" as SVGMarkup)
            if text.anchor != .start { svg.append(" text-anchor=\"\(text.anchor.rawValue)\"" as SVGMarkup) }
            if text.font.size != 12 { svg.append(" font-size=\"\(text.font.size)\"" as SVGMarkup) }
            if text.font.bold { svg.append(" font-weight=\"bold\"") }
            svg.append(" fill=\"\(text.fill)\">\(text.text)</text>\n" as SVGMarkup)
        }
        svg.append("</svg>\n")
    }

    private static func renderPlot(_ layout: FanChartLayout, into svg: inout TextBuffer) {
        let plot = layout.plot
        for tick in layout.valueTicks {
            svg.append(.line(plot.minX - 5, tick.y, plot.maxX, tick.y, stroke: "#eee"))
        }
        svg.append(.line(plot.minX, plot.maxY, plot.maxX, plot.maxY, stroke: "#333"))
        svg.append(.line(plot.minX, plot.minY, plot.minX, plot.maxY, stroke: "#333"))
        for tick in layout.yearTicks {
            svg.append(.line(tick.x, plot.maxY, tick.x, plot.maxY + 5, stroke: "#333"))
        }
        for band in layout.bands {
            svg.append("<polygon fill=\"#1f77b4\" fill-opacity=\"\(band.opacity)\" stroke=\"none\" points=\"\(points: band.outline.map { ($0.x, $0.y) })\"/>\n" as SVGMarkup)
        }
        for ceiling in layout.ceilings {
            svg.append(.line(plot.minX, ceiling.y, plot.maxX, ceiling.y, stroke: "#555", width: 1.2, dash: "8 4"))
        }
        svg.append("<polyline fill=\"none\" stroke=\"#1f4e79\" stroke-width=\"2\" points=\"\(points: layout.median.map { ($0.x, $0.y) })\"/>\n" as SVGMarkup)
        for variant in layout.variantMedians {
            svg.append("<polyline fill=\"none\" stroke=\"\(variant.colour)\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\" points=\"\(points: variant.points.map { ($0.x, $0.y) })\"/>\n" as SVGMarkup)
        }
        for target in layout.targets {
            svg.append(.line(target.x, plot.minY, target.x, plot.maxY, stroke: targetColour, dash: "4 4"))
        }
        if let x = layout.launchX {
            svg.append(.line(x, plot.maxY - 8, x, plot.maxY, stroke: "#555", width: 1.5))
        }
        for observation in layout.observations {
            svg.append("<circle cx=\"\(observation.x)\" cy=\"\(observation.y)\" r=\"4\" fill=\"\(observation.assumed ? "white" : "#111")\" stroke=\"#111\"/>\n" as SVGMarkup)
        }
        for target in layout.targets where target.leader.count == 2 {
            let (a, b) = (target.leader[0], target.leader[1])
            svg.append(.line(a.x, a.y, b.x, b.y, stroke: targetText, width: 0.8))
        }
        for target in layout.targets {
            svg.append("<g><title>\(target.description)</title>" as SVGMarkup)
            diamond(x: target.x, y: target.y, half: 7, hollow: target.assumed, into: &svg)
            svg.append("</g>\n")
        }
    }

    private static func diamond(x: Double, y: Double, half: Double, hollow: Bool, into svg: inout TextBuffer) {
        let points = [(x, y - half), (x + half, y), (x, y + half), (x - half, y)]
        svg.append("<polygon points=\"\(points: points)\" fill=\"\(hollow ? "white" : targetColour)\" stroke=\"\(targetColour)\" stroke-width=\"2\"/>" as SVGMarkup)
    }

    private static func renderLegendKeys(_ layout: FanChartLayout, into svg: inout TextBuffer) {
        for key in layout.legendKeys {
            let x = key.x, y = key.y
            switch key.symbol {
            case .observation:
                svg.append("<circle cx=\"\(x + 4)\" cy=\"\(y)\" r=\"4\" fill=\"#111\" stroke=\"#111\"/>\n" as SVGMarkup)
            case .target:
                diamond(x: x + 6, y: y, half: 5, hollow: false, into: &svg)
                svg.append("\n")
            case .assumed:
                svg.append("<circle cx=\"\(x + 4)\" cy=\"\(y)\" r=\"4\" fill=\"white\" stroke=\"#111\"/>\n" as SVGMarkup)
            case .median:
                svg.append(.line(x, y, x + 16, y, stroke: "#1f4e79", width: 2))
            case .bands:
                // 50 / 80 / 90 % left to right, each drawn as the fan draws it (stacked).
                for (index, band) in bands.enumerated() {
                    svg.append("<rect x=\"\(x)\" y=\"\(y - 5)\" width=\"\(7 * Double(bands.count - index))\" height=\"10\" fill=\"#1f77b4\" fill-opacity=\"\(band.opacity)\"/>\n" as SVGMarkup)
                }
            case .ceiling:
                svg.append(.line(x, y, x + 18, y, stroke: "#555", width: 1.2, dash: "5 3"))
            case .deadline:
                svg.append(.line(x + 3, y - 6, x + 3, y + 6, stroke: targetColour, dash: "3 2"))
            }
        }
    }
}
