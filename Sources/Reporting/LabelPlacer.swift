/// A rectangle in SVG user units (y grows downwards).
public struct ChartRect: Sendable, Equatable {
    public var x: Double, y: Double, width: Double, height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }

    /// The rectangle `size` around a centre point.
    public init(centre: (x: Double, y: Double), width: Double, height: Double) {
        self.init(x: centre.x - width / 2, y: centre.y - height / 2, width: width, height: height)
    }

    public var minX: Double { x }
    public var maxX: Double { x + width }
    public var minY: Double { y }
    public var maxY: Double { y + height }
    public var midX: Double { x + width / 2 }
    public var midY: Double { y + height / 2 }

    /// The interiors meet (rectangles that only touch along an edge do not overlap).
    public func overlaps(_ other: ChartRect) -> Bool {
        minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
    }

    /// `other` lies within this rectangle, edges included.
    public func contains(_ other: ChartRect) -> Bool {
        other.minX >= minX && other.maxX <= maxX && other.minY >= minY && other.maxY <= maxY
    }

    public func insetBy(_ d: Double) -> ChartRect {
        ChartRect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d)
    }

    public func offsetBy(dx: Double, dy: Double) -> ChartRect {
        ChartRect(x: x + dx, y: y + dy, width: width, height: height)
    }
}

/// Puts label boxes where they collide with nothing: each box must lie inside `region` and
/// overlap none of `occupied` (text already placed, markers); among the positions that do,
/// the cheapest wins — its own cost (how far from what it labels) plus ``softPenalty`` for
/// each of `avoided` it covers (observation dots, the median line). A placed box becomes
/// occupied, so labels placed later keep clear of it. Greedy, in the order asked: the
/// first label gets the best place, and a later one that finds none is told so (nil), so
/// the caller can shorten it or list it elsewhere.
struct LabelPlacer {
    var region: ChartRect
    var occupied: [ChartRect]
    var avoided: [ChartRect] = []
    var softPenalty = 25.0

    /// A position a box could take, and what it costs there.
    struct Candidate {
        var box: ChartRect
        var cost: Double
    }

    /// The cheapest collision-free candidate, or nil; does not occupy it.
    func best(_ candidates: [Candidate]) -> Candidate? {
        var best: Candidate?
        for candidate in candidates where region.contains(candidate.box) {
            if let best, candidate.cost >= best.cost { continue }
            guard !occupied.contains(where: { $0.overlaps(candidate.box) }) else { continue }
            let cost = candidate.cost + softPenalty * Double(avoided.filter { $0.overlaps(candidate.box) }.count)
            if let best, cost >= best.cost { continue }
            best = Candidate(box: candidate.box, cost: cost)
        }
        return best
    }

    mutating func occupy(_ box: ChartRect) { occupied.append(box) }

    /// Boxes of `size` beside `anchor` (a marker's box): right and left of it, slid up and
    /// down in `stepY` steps, then above and below it, slid sideways; cost is the distance
    /// slid (sideways positions first: a label reads best level with its marker).
    static func around(_ anchor: ChartRect, width: Double, height: Double, gap: Double = 4,
                       stepY: Double = 3, reachY: Double = 240) -> [Candidate] {
        var candidates: [Candidate] = []
        let midY = anchor.midY
        var dy = 0.0
        while dy <= reachY {
            for sign in dy == 0 ? [1.0] : [-1.0, 1.0] {
                let y = midY - height / 2 + sign * dy
                candidates.append(Candidate(box: ChartRect(x: anchor.maxX + gap, y: y, width: width, height: height), cost: dy))
                candidates.append(Candidate(box: ChartRect(x: anchor.minX - gap - width, y: y, width: width, height: height), cost: dy + 1))
            }
            dy += stepY
        }
        let midX = anchor.midX
        for fraction in [0.5, 0.1, 0.9, 0.0, 1.0] {
            let x = midX - fraction * width
            let slide = abs(fraction - 0.5) * width / 4
            candidates.append(Candidate(box: ChartRect(x: x, y: anchor.minY - gap - height, width: width, height: height), cost: 6 + slide))
            candidates.append(Candidate(box: ChartRect(x: x, y: anchor.maxY + gap, width: width, height: height), cost: 8 + slide))
        }
        return candidates
    }
}
