/// A problem in an input file, said where it is: `file:line:column: message`, one line
/// (`file: message` when the place in the file is not known). Every CSV reader of Uptake
/// throws it, so that the same mistake reads the same way whichever command met it.
///
/// ```swift
/// let error = LocatedError(file: "bad.csv", line: 3, column: 6, message: "value must be a number, got 'abc'")
/// error.description   // "bad.csv:3:6: value must be a number, got 'abc'"
/// ```
///
/// The message says what would be valid. It never holds a raw control character: a line
/// break or tab from the file is written as `\n`, `\t` (see ``PrintableText``), so a message
/// stays one line on a terminal and in a log.
public struct LocatedError: Error, Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    /// One line, printable.
    public private(set) var message: String

    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = PrintableText.escaped(message)
    }

    public init(file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.init(SourceLocation(file: file, line: line, column: column), message)
    }

    public var file: String { location.file }
    public var line: Int? { location.line }
    public var column: Int? { location.column }

    public var description: String { "\(PrintableText.escaped(location.description)): \(message)" }
}
