/// A place in an input file that a message can point at: the file as the user named it, and
/// the 1-based line and column when they are known.
///
/// ```swift
/// SourceLocation(file: "data.csv", line: 3, column: 6).description   // "data.csv:3:6"
/// SourceLocation(file: "data.csv").description                       // "data.csv"
/// ```
///
/// Columns count characters (Unicode scalars) from the start of the line, so a tab or an
/// accented letter is one column; a byte-order mark at the start of a file is not counted.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    /// Only meaningful with a line.
    public var column: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file; self.line = line; self.column = column
    }

    /// `file:line:column`, `file:line` or `file`, as compilers print places, so that editors
    /// and terminals can jump to them.
    public var description: String {
        guard let line else { return file }
        guard let column else { return "\(file):\(line)" }
        return "\(file):\(line):\(column)"
    }

    /// An error at this place.
    public func error(_ message: String) -> LocatedError { LocatedError(self, message) }
}
