/// One value of a CSV record, with where it starts, so that a message about it can point there.
public struct CSVField: Sendable, Hashable {
    /// The value: unquoted, `""` read as one `"`; in the lenient reading, without the spaces
    /// and tabs around it (those inside quotes are kept).
    public var text: String
    /// The 1-based line and column of its first character (the opening quote, if quoted).
    public var line: Int
    public var column: Int
    /// Written in double quotes.
    public var isQuoted: Bool

    public init(text: String, line: Int, column: Int, isQuoted: Bool = false) {
        self.text = text; self.line = line; self.column = column; self.isQuoted = isQuoted
    }

    /// Empty and unquoted: what a spreadsheet leaves after the last column.
    var isPadding: Bool { text.isEmpty && !isQuoted }
}

/// One record (row) of a CSV text: at least one field. A record may span lines when a quoted
/// value holds a line break.
public struct CSVRecord: Sendable, Hashable {
    public var fields: [CSVField]

    public init(fields: [CSVField]) {
        precondition(!fields.isEmpty, "a CSV record has at least one field")
        self.fields = fields
    }

    /// The line the record starts on.
    public var line: Int { fields[0].line }
    public var count: Int { fields.count }
    public var texts: [String] { fields.map(\.text) }
    public subscript(index: Int) -> CSVField { fields[index] }
}
