import Foundation

/// The chart's text, measured without a renderer: a font size and weight, and the extent a
/// line of text in `font-family="sans-serif"` takes (``width(of:)``, ``ascent``, ``descent``),
/// so the label placer can keep boxes apart before anything is drawn.
///
/// ```swift
/// let font = ChartFont(size: 12)
/// font.width(of: "2023")        // 30.5 (4 × 0.636 em)
/// font.shortened("a long label", toWidth: 40)   // "a long…"
/// ```
///
/// The widths are DejaVu Sans's advance widths (Book and Bold, in thousandths of an em, read
/// from the font's `hmtx` table), the `sans-serif` of most Linux systems and the widest of the
/// usual defaults: Helvetica, Arial and Liberation Sans set every ASCII string narrower, so a
/// box measured here holds the text in any of them. What does not hold: a renderer that falls
/// back to a wider font, or to a CJK font for characters outside the table. Letters with
/// diacritics (Vietnamese place names) take their base letter's width; other characters
/// outside the table count as a full em, which over-estimates rather than under-estimates.
/// The vertical extent is the font's ascent and descent (0.928 and 0.236 em).
public struct ChartFont: Sendable, Equatable {
    public var size: Double
    public var bold: Bool

    public init(size: Double, bold: Bool = false) {
        self.size = size
        self.bold = bold
    }

    /// Height above the baseline that glyphs may reach.
    public var ascent: Double { 0.928 * size }
    /// Depth below the baseline that glyphs may reach.
    public var descent: Double { 0.236 * size }

    /// The advance width of `text` set on one line, in px.
    public func width(of text: String) -> Double {
        var thousandths = 0
        for scalar in text.unicodeScalars { thousandths += Self.advance(scalar, bold: bold) }
        return Double(thousandths) / 1000 * size
    }

    /// `text` if it fits in `width` px, else its longest prefix that fits with "…" after it
    /// (trailing spaces dropped); "…" alone when not even one character does.
    public func shortened(_ text: String, toWidth width: Double) -> String {
        guard self.width(of: text) > width else { return text }
        let ellipsis = Double(Self.advance("…", bold: bold)) / 1000 * size
        var used = ellipsis, prefix = ""
        for character in text {
            let w = self.width(of: String(character))
            if used + w > width { break }
            used += w
            prefix.append(character)
        }
        while prefix.last == " " { prefix.removeLast() }
        return prefix + "…"
    }

    /// Thousandths of an em.
    static func advance(_ scalar: Unicode.Scalar, bold: Bool) -> Int {
        let value = Int(scalar.value)
        if (32...126).contains(value) { return (bold ? asciiBold : ascii)[value - 32] }
        if let width = symbols[scalar] { return width }
        // A letter with a mark (ạ, ố, Đ): the width of its base letter.
        if let base = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars.first,
           base != scalar, (32...126).contains(Int(base.value)) {
            return (bold ? asciiBold : ascii)[Int(base.value) - 32]
        }
        if scalar == "đ" { return (bold ? asciiBold : ascii)[Int(UInt8(ascii: "d")) - 32] }
        if scalar == "Đ" { return (bold ? asciiBold : ascii)[Int(UInt8(ascii: "D")) - 32] }
        if scalar.properties.generalCategory == .nonspacingMark { return 0 }
        return 1000
    }

    /// DejaVu Sans Book, U+0020 … U+007E.
    static let ascii: [Int] = [
        318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
        636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
        1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
        603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
        500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
        635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
    ]

    /// DejaVu Sans Bold, U+0020 … U+007E.
    static let asciiBold: [Int] = [
        348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365,
        696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580,
        1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850,
        733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500,
        500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687,
        716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
    ]

    /// The punctuation and symbols the scenarios and the chart use: the wider of the two
    /// weights (they differ only for the no-break space, middle dot and curly quotes).
    static let symbols: [Unicode.Scalar: Int] = [
        "\u{A0}": 348, "–": 500, "—": 1000, "×": 838, "≈": 838, "…": 1000, "·": 380, "≥": 838,
        "≤": 838, "±": 838, "→": 838, "←": 838, "↑": 838, "−": 838, "‘": 380, "’": 380, "“": 657,
        "”": 657, "°": 500,
    ]
}
