import TextIO

/// A Jupyter notebook in nbformat 4.5 (https://nbformat.readthedocs.io/en/latest/format_description.html):
/// markdown and Python code cells, not yet executed (no outputs, no execution counts).
///
/// ```swift
/// var notebook = JupyterNotebook()
/// notebook.markdown("# Title")
/// notebook.code("import pandas as pd\npd.__version__")
/// let json = notebook.document(metadata: [("uptake", .object([("scenario", .string("x"))]))])
/// ```
///
/// A cell's `source` is a list of lines, each but the last ending in `\n`, as Jupyter writes
/// it; cell ids are `cell-1`, `cell-2`, … so the same cells give the same bytes.
public struct JupyterNotebook: Sendable {
    public enum Kind: String, Sendable { case markdown, code }

    public struct Cell: Sendable {
        public var kind: Kind
        public var source: String
    }

    public private(set) var cells: [Cell] = []

    public init() {}

    public mutating func markdown(_ source: String) { cells.append(Cell(kind: .markdown, source: source)) }

    public mutating func code(_ source: String) { cells.append(Cell(kind: .code, source: source)) }

    /// The notebook's JSON, with the Python 3 kernel and `metadata` added to the notebook's
    /// metadata.
    public func document(metadata: [(String, JSONValue)] = []) -> TextBuffer {
        let cellValues: [JSONValue] = cells.enumerated().map { index, cell in
            var members: [(String, JSONValue)] = [("cell_type", .string(cell.kind.rawValue)),
                                                  ("id", .string("cell-\(index + 1)")), ("metadata", .object([]))]
            if cell.kind == .code { members += [("execution_count", .null), ("outputs", .array([]))] }
            members.append(("source", .array(Self.lines(cell.source).map { .string($0) })))
            return .object(members)
        }
        let document = JSONValue.object([
            ("cells", .array(cellValues)),
            ("metadata", .object([
                ("kernelspec", .object([("display_name", .string("Python 3")), ("language", .string("python")),
                                        ("name", .string("python3"))])),
                ("language_info", .object([("name", .string("python"))])),
            ] + metadata)),
            ("nbformat", .integer(4)),
            ("nbformat_minor", .integer(5)),
        ])
        var text = TextBuffer()
        text.append(document.rendered())
        text.append("\n")
        return text
    }

    /// `source` split after each line break, the breaks kept (no empty last line).
    static func lines(_ source: String) -> [String] {
        var lines: [String] = [], line = ""
        for character in source {
            line.append(character)
            if character == "\n" { lines.append(line); line = "" }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// `text` as a Python string literal (JSON's string syntax is valid Python).
    public static func pythonString(_ text: String) -> String { JSONValue.string(text).rendered() }

    /// A Python list of string literals.
    public static func pythonList(_ items: [String]) -> String {
        "[" + items.map(pythonString).joined(separator: ", ") + "]"
    }
}
