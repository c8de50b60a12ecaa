/// Everything ``FanChart`` draws, in canvas coordinates (SVG user units, y down): the
/// geometry of the plot and every text with the box it takes. ``FanChart/svg(scenario:forecasts:assumptions:reusing:)``
/// writes exactly this, so a test of the layout (no two text boxes overlap, none leaves the
/// canvas) is a test of the picture.
public struct FanChartLayout: Sendable {
    public var width: Double
    public var height: Double
    /// The plot area: the axes are its left and bottom edges.
    public var plot: ChartRect
    /// The chart's `<title>`.
    public var title: String
    public var yearTicks: [YearTick] = []
    public var valueTicks: [ValueTick] = []
    /// Widest first: 90 %, 80 %, 50 %.
    public var bands: [Band] = []
    public var median: [ChartPoint] = []
    public var variantMedians: [VariantMedian] = []
    public var observations: [ObservationMark] = []
    /// The launch date's x (a short tick on the time axis, labelled "launch").
    public var launchX: Double?
    public var ceilings: [CeilingLine] = []
    public var targets: [TargetMark] = []
    public var legendKeys: [LegendKey] = []
    /// Every text drawn, in drawing order.
    public var texts: [ChartText] = []

    public struct ChartPoint: Sendable, Equatable {
        public var x: Double, y: Double
    }

    public struct YearTick: Sendable, Equatable {
        public var year: Int
        /// 1 January of `year`.
        public var x: Double
    }

    public struct ValueTick: Sendable, Equatable {
        public var value: Double
        public var y: Double
        public var label: String
    }

    /// The central `coverage` interval of the baseline forecast, from the reference point on.
    public struct Band: Sendable, Equatable {
        public var coverage: Double
        public var opacity: Double
        public var outline: [ChartPoint]
    }

    public struct VariantMedian: Sendable, Equatable {
        public var variant: String
        public var colour: String
        public var points: [ChartPoint]
    }

    public struct ObservationMark: Sendable, Equatable {
        public var x: Double, y: Double
        public var assumed: Bool
    }

    /// A ceiling (or one end of a ceiling range) as a dashed line across the plot.
    public struct CeilingLine: Sendable, Equatable {
        public var value: Double
        public var y: Double
        public var label: String
    }

    /// A target: a diamond at (deadline, value), the deadline as a dashed line; `number` when
    /// its label did not fit beside it and it is listed below the chart instead.
    public struct TargetMark: Sendable, Equatable {
        public var x: Double, y: Double
        public var assumed: Bool
        public var number: Int?
        /// From the marker to its label block when the block had to move away; else empty.
        public var leader: [ChartPoint] = []
        /// The full label and P(met), the marker's tooltip.
        public var description: String
    }

    /// A symbol in the legend row, drawn left of its text.
    public struct LegendKey: Sendable, Equatable {
        public enum Symbol: Sendable, Equatable { case observation, target, assumed, median, bands, ceiling, deadline }
        public var symbol: Symbol
        /// The symbol's left edge and vertical centre.
        public var x: Double, y: Double
    }

    /// Texts by what they say, in drawing order.
    public func texts(_ role: ChartText.Role) -> [ChartText] { texts.filter { $0.role == role } }
}

/// One line of text: where it is anchored (its baseline at `y`), how it is set, and the box
/// it takes (``ChartFont``'s estimate).
public struct ChartText: Sendable, Equatable {
    public enum Anchor: String, Sendable { case start, middle, end }
    public enum Role: Sendable, Equatable {
        case title, subtitle, yearTick, valueTick, variant, launch, ceiling
        /// A target's label beside its marker, and the P(met) line under it.
        case targetLabel, targetChance
        /// The number beside a marker whose label is listed below the chart, and that entry.
        case targetNumber, targetListEntry
        case legend, footer
    }

    public var text: String
    public var x: Double, y: Double
    public var anchor: Anchor
    public var font: ChartFont
    public var fill: String
    public var role: Role
    /// Drawn on a white, mostly opaque box (labels over the fan).
    public var backdrop = false

    public init(_ text: String, x: Double, y: Double, anchor: Anchor = .start, font: ChartFont = ChartFont(size: 12),
                fill: String = "#111", role: Role, backdrop: Bool = false) {
        self.text = text; self.x = x; self.y = y; self.anchor = anchor; self.font = font
        self.fill = fill; self.role = role; self.backdrop = backdrop
    }

    public var width: Double { font.width(of: text) }

    /// The box the text takes: its advance width, from ascent to descent.
    public var box: ChartRect {
        let w = width
        let left = switch anchor {
        case .start: x
        case .middle: x - w / 2
        case .end: x - w
        }
        return ChartRect(x: left, y: y - font.ascent, width: w, height: font.ascent + font.descent)
    }
}
